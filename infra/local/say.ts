/** Progress lines of the local stack, on stderr so that they never mix with program output. */
export function say(component: string, message: string): void {
  process.stderr.write(`[stack] ${component}: ${message}\n`);
}
