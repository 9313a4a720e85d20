import { InputError } from '@backstage/errors';
import path from 'node:path';

/** Cloud Storage's limit on an object name, in UTF-8 bytes. */
const MAX_OBJECT_NAME_BYTES = 1024;

/**
 * The object name prefix as a folder: no leading slash and, unless empty,
 * one trailing slash, so that `delivery-pipeline` and `delivery-pipeline/`
 * both put partitions under `delivery-pipeline/`.
 */
export function normalizeObjectPrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/` : '';
}

/**
 * A partition path checked and normalised the way the local storage resolves
 * it against its root: `a/./b` and `a/x/../b` are `a/b`; absolute paths and
 * paths that climb out of the root are refused. The root itself (an empty
 * path) is only a valid folder, for listing.
 */
export function normalizePartitionPath(
  partitionPath: string,
  options: { folder?: boolean } = {},
): string {
  const invalid = () =>
    new InputError(`Invalid object path '${partitionPath}'`);
  if (path.posix.isAbsolute(partitionPath) || /[\r\n]/.test(partitionPath)) {
    throw invalid();
  }
  const normalized = path.posix
    .normalize(partitionPath === '' ? '.' : partitionPath)
    .replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) {
    throw invalid();
  }
  if (normalized === '.' || normalized === '') {
    if (options.folder) {
      return '';
    }
    throw invalid();
  }
  return normalized;
}

/** Checks a full object name against Cloud Storage's length limit. */
export function checkObjectName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') > MAX_OBJECT_NAME_BYTES) {
    throw new InputError(
      `Object name is longer than ${MAX_OBJECT_NAME_BYTES} bytes: '${name}'`,
    );
  }
  return name;
}

/**
 * The `Content-Type` stored with a partition. Compressed partitions are
 * stored as `application/gzip` and never with `Content-Encoding: gzip`,
 * which would make Cloud Storage decompress them on download
 * (decompressive transcoding) and break the byte-for-byte round trip.
 */
export function contentTypeFor(name: string): string {
  if (name.endsWith('.gz')) {
    return 'application/gzip';
  }
  if (name.endsWith('.json')) {
    return 'application/json';
  }
  return 'application/octet-stream';
}
