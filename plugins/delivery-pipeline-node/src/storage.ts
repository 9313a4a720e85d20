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
