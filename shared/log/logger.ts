import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (or `destination`), tagged with the service and its instance id. */
export function createLogger(
  service: string,
  instance: string,
  level: string,
  destination?: DestinationStream,
): Logger {
  const options = { level, base: { service, instance }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}
