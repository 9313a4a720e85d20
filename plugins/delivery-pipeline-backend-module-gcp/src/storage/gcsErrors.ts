/**
 * The HTTP status of an error from `@google-cloud/storage`, which reports it
 * as `code` on JSON API errors (`ApiError`), as `status` or
 * `response.status` on resumable upload errors (`GaxiosError`), and as
 * `code` on the plain error bodies a resumable session returns.
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const candidate = error as {
    code?: unknown;
    status?: unknown;
    response?: { status?: unknown };
  };
  for (const value of [
    candidate.code,
    candidate.status,
    candidate.response?.status,
  ]) {
    const status = typeof value === 'string' ? Number(value) : value;
    if (typeof status === 'number' && status >= 100 && status < 600) {
      return status;
    }
  }
  return undefined;
}
