/**
 * Prints the one startup line launchers wait for, {"event":"ready","port":N,...}, whatever
 * LOG_LEVEL says: readiness is a contract with process managers and tests, not a log.
 * The line has the same shape as the JSON logs around it.
 */
export function announceReady(service: string, instance: string, fields: Record<string, unknown>): void {
  const line = {
    level: 30,
    time: new Date().toISOString(),
    service,
    instance,
    event: 'ready',
    ...fields,
    msg: `${service} ready`,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
