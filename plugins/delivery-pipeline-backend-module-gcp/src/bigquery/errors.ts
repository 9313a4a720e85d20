/** The parts of a client library error (ApiError) this module looks at. */
type ApiErrorLike = {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string }>;
};

/** The HTTP status of a failed call, if it got that far. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as ApiErrorLike | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A quota or rate limit refused the call (403 `quotaExceeded`,
 * `rateLimitExceeded`, or 429): nothing is wrong with the request, it is
 * to be retried later.
 */
export function isQuotaError(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 429) return true;
  const reasons = ((error as ApiErrorLike)?.errors ?? []).map(e => e.reason);
  return (
    status === 403 &&
    reasons.some(
      reason =>
        reason === 'quotaExceeded' ||
        reason === 'rateLimitExceeded' ||
        reason === 'userRateLimitExceeded',
    )
  );
}

/** A BigQuery job's `status.errorResult` and `status.errors`. */
export type JobErrorProto = {
  reason?: string;
  location?: string;
  message?: string;
};

/** One line per error of a failed job, most important first. */
export function describeJobErrors(
  errorResult: JobErrorProto,
  errors: JobErrorProto[] = [],
): string {
  const describe = (e: JobErrorProto) =>
    [e.reason && `${e.reason}:`, e.message, e.location && `(at ${e.location})`]
      .filter(Boolean)
      .join(' ');
  const rest = errors
    .filter(
      e => e.message !== errorResult.message || e.reason !== errorResult.reason,
    )
    .slice(0, 5)
    .map(describe);
  const more = errors.length > 6 ? `; and ${errors.length - 6} more` : '';
  return [describe(errorResult), ...rest].join('; ') + more;
}
