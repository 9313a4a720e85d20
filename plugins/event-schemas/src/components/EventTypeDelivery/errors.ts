import { ResponseError } from '@backstage/errors';

/** Whether a load was refused for the user (a 403). */
export function isForbidden(error: Error): boolean {
  return error instanceof ResponseError
    ? error.statusCode === 403
    : error.name === 'NotAllowedError';
}
