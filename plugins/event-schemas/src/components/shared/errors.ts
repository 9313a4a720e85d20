import { ResponseError } from '@backstage/errors';

/** Whether a load failed because the thing is not there (a 404). */
export function isNotFound(error: Error): boolean {
  return error instanceof ResponseError
    ? error.statusCode === 404
    : error.name === 'NotFoundError';
}

/** Whether a load was refused for the user (a 403). */
export function isForbidden(error: Error): boolean {
  return error instanceof ResponseError
    ? error.statusCode === 403
    : error.name === 'NotAllowedError';
}

/**
 * What the backend said went wrong (`{error: {message}}` of its answer),
 * rather than the client's `Request failed with 400 Bad Request`.
 */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError && error.cause?.message) {
    return error.cause.message;
  }
  return error.message;
}
