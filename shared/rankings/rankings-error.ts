/** A rankings request that cannot be answered: bad_request (400) or not_found (404). */
export class RankingsError extends Error {
  constructor(
    readonly code: 'bad_request' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'RankingsError';
  }
}
