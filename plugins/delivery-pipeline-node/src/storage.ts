import { InputError } from '@backstage/errors';

/**
 * Where partitions are kept: objects addressed by slash-separated paths such
 * as `raw/com.example.playback.started/2026-11-23/10/part-....ndjson.gz`.
 *
 * @public
 */
export interface PartitionStorage {
  /**
   * Writes an object, replacing any object at the same path. Resolves once it
   * is durable; a crash at any moment leaves either the whole object or none.
   */
  write(path: string, content: Buffer): Promise<void>;

  /** Reads an object; rejects with a `NotFoundError` when there is none. */
  read(path: string): Promise<Buffer>;

  /** The paths of every object under a prefix (a folder), sorted. */
  list(prefix: string): Promise<string[]>;

  /** Deletes an object; deleting one that does not exist is not an error. */
  delete(path: string): Promise<void>;

  /** Where an object lives, as a URL a person can use (`file://`, `gs://`). */
  url(path: string): string;
}

/**
 * Checks a partition path before a storage builds a file or object name from
 * it, and returns it without a trailing slash. Paths are relative and made of
 * plain segments: no `.`, `..` or empty segment (which a filesystem would
 * resolve to another folder, and which an event type named `..` would
 * otherwise smuggle in), no NUL, CR or LF. The empty path is the root, valid
 * only as a folder (for listing).
 *
 * @public
 */
export function checkPartitionPath(
  partitionPath: string,
  options: { folder?: boolean } = {},
): string {
  const trimmed = options.folder
    ? partitionPath.replace(/\/$/, '')
    : partitionPath;
  if (trimmed === '' && options.folder) {
    return '';
  }
  const segments = trimmed.split('/');
  if (
    /[\0\r\n\\]/.test(trimmed) ||
    segments.some(s => s === '' || s === '.' || s === '..')
  ) {
    throw new InputError(`Invalid object path '${partitionPath}'`);
  }
  return trimmed;
}
