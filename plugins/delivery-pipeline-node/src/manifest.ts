import { createHash } from 'node:crypto';
import { isError, NotFoundError } from '@backstage/errors';
import { DeliveredFile, DeliveredPartition } from './exporter';
import { PartitionStorage } from './storage';

// The one definition of a delivered partition's manifest: the deduper
// writes it, and the exporters, the preview, retention and the lookback of
// later partitions read it, all through these functions.

/**
 * Format of `_manifest.json`.
 *
 * @public
 */
export const MANIFEST_FORMAT = 'delivery-pipeline-delivered/1';

/**
 * The manifest's file name in a delivered partition's folder.
 *
 * @public
 */
export const MANIFEST_NAME = '_manifest.json';

/**
 * One file the deduper keeps beside the events: a key file or the sources
 * file (see the backend's `dedupe/keysFiles.ts`).
 *
 * @public
 */
export type ManifestKeysFile = {
  path: string;
  /** Keys in a key file, sources in the sources file. */
  count: number;
  bytes: number;
  sha256: string;
};

/**
 * What the manifest says of the deduplication keys; their `format` belongs
 * to the deduper, which skips key files of a format it does not read.
 *
 * @public
 */
export type ManifestKeys = {
  format: string;
  /** Absent when the partition has no keys (delivered empty). */
  sources?: ManifestKeysFile;
  files: ManifestKeysFile[];
};

/**
 * `_manifest.json`, written last: the partition is delivered once it
 * exists.
 *
 * @public
 */
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
  /** The files of events, in order. */
  files: DeliveredFile[];
  /**
   * `sha256:` and the digest of the files' sha256 values, each followed by
   * a newline.
   */
  checksum: string;
  /** The key files, for lookback from later partitions. */
  keys: ManifestKeys;
};

/**
 * The path of the manifest of the delivered partition in `folder`.
 *
 * @public
 */
export function manifestPathOf(folder: string): string {
  return `${folder.replace(/\/+$/, '')}/${MANIFEST_NAME}`;
}

/**
 * Checks that parsed JSON is a manifest this version reads, and returns it
 * typed. A manifest of another format, or one that lacks what a reader
 * relies on, is an error rather than a partition read wrongly.
 *
 * @public
 */
export function validateManifest(
  value: unknown,
  path: string = MANIFEST_NAME,
): DeliveredManifest {
  const problems: string[] = [];
  const m = (value ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('it is not a JSON object');
  } else {
    if (m.format !== MANIFEST_FORMAT) {
      problems.push(
        `its format is ${JSON.stringify(m.format)}, not ${MANIFEST_FORMAT}`,
      );
    }
    if (typeof m.eventType !== 'string' || m.eventType === '') {
      problems.push('it names no eventType');
    }
    for (const bound of ['start', 'end'] as const) {
      const time = m[bound];
      if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) {
        problems.push(`its ${bound} is not an ISO 8601 time`);
      }
    }
    const counts = (m.counts ?? {}) as Record<string, unknown>;
    for (const count of [
      'received',
      'delivered',
      'duplicates',
      'conflicts',
      'malformed',
    ]) {
      if (!isCount(counts[count])) {
        problems.push(`counts.${count} is not a count`);
      }
    }
    if (!Array.isArray(m.files) || !m.files.every(isDeliveredFile)) {
      problems.push('files is not a list of { path, events, bytes, sha256 }');
    }
    if (typeof m.checksum !== 'string' || !m.checksum.startsWith('sha256:')) {
      problems.push('its checksum is not sha256:...');
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `${path} is not a delivered partition's manifest: ${problems.join('; ')}`,
    );
  }
  return value as DeliveredManifest;
}

/**
 * The manifest of the delivered partition in `folder`, validated; undefined
 * when there is none (not delivered yet, or deleted by retention).
 *
 * @public
 */
export async function readManifest(
  storage: PartitionStorage,
  folder: string,
): Promise<DeliveredManifest | undefined> {
  const path = manifestPathOf(folder);
  let content: Buffer;
  try {
    content = await storage.read(path);
  } catch (error) {
    if (isError(error) && error.name === NotFoundError.name) return undefined;
    throw error;
  }
  return validateManifest(JSON.parse(content.toString('utf8')), path);
}

/**
 * Writes a delivered partition's manifest, replacing any other; the last
 * write of a delivery. Returns its path.
 *
 * @public
 */
export async function writeManifest(
  storage: PartitionStorage,
  folder: string,
  manifest: DeliveredManifest,
): Promise<string> {
  const path = manifestPathOf(folder);
  validateManifest(manifest, path);
  await storage.write(
    path,
    Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
  );
  return path;
}

/**
 * A delivered partition as its manifest describes it, for exporters and the
 * preview. Rejects with a `NotFoundError` when the folder holds no manifest
 * (not delivered, or deleted by retention).
 *
 * @public
 */
export async function readDeliveredPartition(
  storage: PartitionStorage,
  folder: string,
): Promise<DeliveredPartition> {
  const manifest = await readManifest(storage, folder);
  if (!manifest) {
    throw new NotFoundError(`No delivered partition at ${folder}`);
  }
  return deliveredPartitionOf(folder, manifest);
}

/**
 * The delivered partition a manifest describes, in `folder`.
 *
 * @public
 */
export function deliveredPartitionOf(
  folder: string,
  manifest: DeliveredManifest,
): DeliveredPartition {
  return {
    eventType: manifest.eventType,
    start: Date.parse(manifest.start),
    end: Date.parse(manifest.end),
    folder,
    files: manifest.files,
    manifestPath: manifestPathOf(folder),
    events: manifest.counts.delivered,
    checksum: manifest.checksum,
  };
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isDeliveredFile(file: unknown): boolean {
  const f = file as Partial<DeliveredFile> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.path === 'string' &&
    isCount(f.events) &&
    isCount(f.bytes) &&
    typeof f.sha256 === 'string'
  );
}

/**
 * The manifest's `checksum` of its files: `sha256:` and the digest of the
 * files' sha256 values, each followed by a newline.
 *
 * @public
 */
export function checksumOf(files: Array<{ sha256: string }>): string {
  const checksumHash = createHash('sha256');
  for (const file of files) checksumHash.update(`${file.sha256}\n`);
  return `sha256:${checksumHash.digest('hex')}`;
}
