/** A backing service of the local stack, started by us or found already running. */
export interface RunningService {
  readonly name: string;
  /** Environment variables that point Arena at it (e.g. REDIS_URL). */
  readonly env: Readonly<Record<string, string>>;
  /** One line for people: version and address. */
  readonly description: string;
  /** Stops it if we started it; a reused service is left alone. */
  stop(): Promise<void>;
}
