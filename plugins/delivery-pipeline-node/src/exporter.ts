/**
 * One file of a delivered partition.
 *
 * @public
 */
export type DeliveredFile = {
  /** Storage path, e.g. `delivered/<type>/2026-11-23/10/part-00000.ndjson.gz`. */
  path: string;
  events: number;
  /** Bytes of the file as stored (gzip). */
  bytes: number;
  /** `sha256:` and the hex digest of the file as stored. */
  sha256: string;
};

/**
 * A partition the deduper delivered: every event of one event type received
 * in one hour (or the configured width), each `(source, id)` once, as gzip
 * NDJSON files plus a manifest.
 *
 * @public
 */
export type DeliveredPartition = {
  eventType: string;
  /** Start (inclusive) and end (exclusive) of receive time, ms since epoch. */
  start: number;
  end: number;
  /** The folder holding the files and the manifest. */
  folder: string;
  files: DeliveredFile[];
  /** Path of `_manifest.json`, written last. */
  manifestPath: string;
  /** Events in all files. */
  events: number;
  /**
   * `sha256:` and a digest over the files' digests, in order. The same input
   * always gives the same files, so the same checksum: with the event type
   * and start it names one delivery, e.g. as a BigQuery load job id.
   */
  checksum: string;
};

/**
 * Receives every delivered partition, for example to load it into a
 * warehouse. Without an exporter the files stay in storage, where the
 * portal previews them.
 *
 * @public
 */
export interface PartitionExporter {
  /** Names the exporter in logs and in the recorded export state. */
  readonly name: string;
  /**
   * Exports one partition. Called again after a failure or a crash, and may
   * be called for a partition it already exported: it must be idempotent
   * (a load job with an id derived from the partition and its checksum is).
   * Rejects to be retried later.
   */
  export(partition: DeliveredPartition): Promise<void>;
}
