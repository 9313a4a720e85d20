import { InputError } from '@backstage/errors';

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
