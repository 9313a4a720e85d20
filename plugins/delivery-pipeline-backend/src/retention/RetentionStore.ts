/** A start exactly as the database returned it. */
export type DbTime = Date | string | number;

/**
 * A partition retention may delete from. `key` is its start exactly as the
 * database returned it, to address the row again without a conversion.
 */
export type RetentionPartition = {
  eventType: string;
  start: Date;
  end: Date;
  key: DbTime;
};

/** A raw file of a partition, as the consumer recorded it. */
export type RetentionRawFile = { path: string; bytes: number };

/** What one deletion recorded: the row of `retention_deletions`. */
export type NewRetentionDeletion = {
  partition: RetentionPartition;
  kind: 'raw' | 'delivered';
  files: number;
  bytes?: number;
  deletedAt: Date;
  reason: string;
};

/**
 * What retention reads and records: partitions past their policy, their raw
 * files, and the log of what it deleted. Every record is a conditional
 * update, so of two runs that deleted the same files only one records it.
 */
export interface RetentionStore {
  /**
   * Event types that have something retention might delete: delivered
   * partitions, or expired ones whose raw files are still there.
   */
  listEventTypesWithData(): Promise<string[]>;

  /**
   * Delivered or expired partitions of a type that ended at or before
   * `endedBy` and still have raw files, oldest first, `limit` at a time
   * after the `after` key of the previous batch. Never open or closed ones.
   */
  listRawExpired(options: {
    eventType: string;
    endedBy: Date;
    limit: number;
    after?: RetentionPartition;
  }): Promise<RetentionPartition[]>;

  /**
   * Delivered partitions of a type that ended at or before `endedBy`,
   * oldest first, `limit` at a time.
   */
  listDeliveredExpired(options: {
    eventType: string;
    endedBy: Date;
    limit: number;
    after?: RetentionPartition;
  }): Promise<RetentionPartition[]>;

  /** The raw files of a partition, as the consumer recorded them. */
  listRawFiles(partition: RetentionPartition): Promise<RetentionRawFile[]>;

  /**
   * Records that the raw files at `paths` are gone from storage: sets
   * `raw_deleted_at`, forgets the files and logs the deletion, all or
   * nothing. Does nothing and returns false when another run recorded it
   * first (or the partition is no longer delivered or expired).
   */
  recordRawDeletion(
    deletion: NewRetentionDeletion & { kind: 'raw'; paths: string[] },
  ): Promise<boolean>;

  /**
   * Records that a delivered partition's files are gone: state `expired`,
   * `expired_at`, and the deletion logged, all or nothing. Returns false
   * when the partition was no longer `delivered` (another run won).
   */
  recordDeliveredDeletion(
    deletion: NewRetentionDeletion & { kind: 'delivered' },
  ): Promise<boolean>;
}
