import { HttpResponse } from 'msw';

/** The canonical error status Google's APIs name an HTTP status by. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * An error as Google's JSON APIs answer it:
 * `{"error":{"code":409,"message":"…","status":"ALREADY_EXISTS","errors":[…]}}`.
 * The `errors` list (with a `reason`) is what the older APIs (Cloud Storage,
 * BigQuery) add; Cloud Storage's JSON API sends no `status`.
 */
export function googleErrorResponse(
  code: number,
  message: string,
  options: {
    reason?: string;
    /** More members of the `errors` item, e.g. `location`. */
    extra?: Record<string, unknown>;
    withoutStatus?: boolean;
    /**
     * The canonical status when it is not the one the HTTP status names,
     * e.g. FAILED_PRECONDITION on a 400.
     */
    status?: string;
  } = {},
): Response {
  const { reason, extra, withoutStatus, status } = options;
  return HttpResponse.json(
    {
      error: {
        code,
        message,
        ...(withoutStatus
          ? {}
          : { status: status ?? STATUS_NAMES[code] ?? 'UNKNOWN' }),
        ...(reason
          ? { errors: [{ message, domain: 'global', reason, ...extra }] }
          : {}),
      },
    },
    { status: code },
  );
}
