import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout, tagged with the service and its instance id. */
export function createLogger(service: string, instance: string, level: string): Logger {
  return pino({ level, base: { service, instance }, timestamp: pino.stdTimeFunctions.isoTime });
}
