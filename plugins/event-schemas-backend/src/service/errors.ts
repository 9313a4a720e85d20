import { CustomErrorBase } from '@backstage/errors';

/** A request body, or a part of it, over a limit: 413. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}
