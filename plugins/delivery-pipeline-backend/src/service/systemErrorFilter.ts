import { LoggerService } from '@backstage/backend-plugin-api';
import { ErrorRequestHandler } from 'express';
import { randomBytes } from 'node:crypto';

/**
 * Keeps the messages of Node's system errors out of answers: an `EACCES` or
 * `EISDIR` of the storage, or a connection error, names absolute paths and
 * hosts of the server (`open '/srv/data/...'`). The client gets a 500 with a
 * log id; the log keeps the error. Backstage's own filter does this only for
 * database errors.
 */
export function systemErrorFilter(logger: LoggerService): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (!isSystemError(error)) {
      next(error);
      return;
    }
    const logId = randomBytes(10).toString('hex');
    logger.error(`Internal error, logId=${logId}`, error);
    const filtered = new Error(`An internal error occurred, logId=${logId}`);
    delete filtered.stack;
    next(filtered);
  };
}

function isSystemError(error: unknown): boolean {
  const e = error as { syscall?: unknown; errno?: unknown; path?: unknown };
  return (
    typeof error === 'object' &&
    error !== null &&
    (typeof e.syscall === 'string' ||
      typeof e.errno === 'number' ||
      typeof e.path === 'string')
  );
}
