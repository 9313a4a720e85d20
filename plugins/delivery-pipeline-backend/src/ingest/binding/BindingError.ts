/**
 * A problem with the request as a whole: none of its events can be taken.
 * The message is written for the producer and can be returned as is.
 *
 * `status` is the HTTP status to answer with; Backstage's error handler
 * middleware reads it, so throwing this from a route gives the right code.
 */
export class BindingError extends Error {
  readonly status: 400 | 410 | 413 | 415;

  constructor(status: 400 | 410 | 413 | 415, message: string) {
    super(message);
    this.name = 'BindingError';
    this.status = status;
  }
}
