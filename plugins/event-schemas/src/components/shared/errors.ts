import { ResponseError } from '@backstage/errors';

/** Whether a load failed because the thing is not there (a 404). */
export function isNotFound(error: Error): boolean {
  return error instanceof ResponseError
    ? error.statusCode === 404
    : error.name === 'NotFoundError';
}
