import { isError, NotFoundError } from '@backstage/errors';
import { PartitionStorage } from '@internal/plugin-delivery-pipeline-node';
import { createHash } from 'node:crypto';
import { KeysManifest } from './keysFiles';

/** Format of `_manifest.json`. */
export const MANIFEST_FORMAT = 'delivery-pipeline-delivered/1';

/** `_manifest.json`, written last: the partition is delivered once it exists. */
export type DeliveredManifest = {
  format: typeof MANIFEST_FORMAT;
  eventType: string;
  /** ISO 8601 start (inclusive) and end (exclusive) of receive time. */
  start: string;
  end: string;
  /** The event attributes that make the deduplication key. */
  key: ['source', 'id'];
  counts: {
    received: number;
    delivered: number;
    duplicates: number;
    conflicts: number;
    malformed: number;
  };
  clientDelayMs?: { p50: number; p95: number; max: number };
  /** The files of events, in order; see DeliveredFile. */
  files: Array<{ path: string; events: number; bytes: number; sha256: string }>;
  /**
   * `sha256:` and the digest of the files' sha256 values, each followed by
   * a newline.
   */
  checksum: string;
  /** The key files, for lookback from later partitions (keysFiles.ts). */
  keys: KeysManifest;
};

export const MANIFEST_NAME = '_manifest.json';

/**
 * The manifest of the delivered partition in `folder`; undefined when there
 * is none (not delivered yet, or deleted by retention).
 */
export async function readManifest(
  storage: PartitionStorage,
  folder: string,
): Promise<DeliveredManifest | undefined> {
  const manifestPath = `${folder.replace(/\/+$/, '')}/${MANIFEST_NAME}`;
  try {
    return JSON.parse((await storage.read(manifestPath)).toString('utf8'));
  } catch (error) {
    if (isError(error) && error.name === NotFoundError.name) return undefined;
    throw error;
  }
}

/**
 * Writes the manifest of the delivered partition in `folder` (no trailing
 * slash), the last file of a delivery; returns its path.
 */
export async function writeManifest(
  storage: PartitionStorage,
  folder: string,
  manifest: DeliveredManifest,
): Promise<string> {
  const manifestPath = `${folder}/${MANIFEST_NAME}`;
  await storage.write(
    manifestPath,
    Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
  );
  return manifestPath;
}

/** The manifest's `checksum` of its files: see {@link DeliveredManifest}. */
export function checksumOf(files: Array<{ sha256: string }>): string {
  const checksumHash = createHash('sha256');
  for (const file of files) checksumHash.update(`${file.sha256}\n`);
  return `sha256:${checksumHash.digest('hex')}`;
}
