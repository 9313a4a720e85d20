import { CRC32C } from '@google-cloud/storage';

/**
 * The CRC32C (Castagnoli) checksum of `data` as Cloud KMS carries it: an
 * unsigned 32-bit integer, written in JSON as a decimal string (int64).
 * Cloud Storage's client already ships the implementation.
 */
export function crc32c(data: Buffer): string {
  const checksum = new CRC32C();
  checksum.update(data);
  return String(checksum.valueOf() >>> 0);
}
