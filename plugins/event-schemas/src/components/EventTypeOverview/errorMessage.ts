import { ResponseError } from '@backstage/errors';

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
