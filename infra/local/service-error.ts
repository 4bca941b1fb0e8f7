/** A backing service could not be fetched, started or reached; the message names it. */
export class ServiceError extends Error {
  constructor(
    readonly component: string,
    message: string,
  ) {
    super(`${component}: ${message}`);
    this.name = 'ServiceError';
  }
}
