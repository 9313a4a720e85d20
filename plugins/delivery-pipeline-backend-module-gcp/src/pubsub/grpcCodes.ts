/**
 * The gRPC status codes the transport tells apart, on `error.code`: gRPC
 * errors carry them, and the REST fallback maps Google's HTTP error bodies
 * to the same.
 */
export enum GrpcCode {
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  RESOURCE_EXHAUSTED = 8,
  ABORTED = 10,
  INTERNAL = 13,
  UNAVAILABLE = 14,
}

export function isGrpcCode(error: unknown, code: GrpcCode): boolean {
  return (error as { code?: unknown } | undefined)?.code === code;
}
