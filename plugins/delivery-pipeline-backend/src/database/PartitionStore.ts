import { Partition } from '@internal/plugin-delivery-pipeline-common';

export type { Partition };

/** Identifies a partition: an event type and the start of its window. */
export type PartitionKey = {
  eventType: string;
  /** Milliseconds since the epoch. */
  start: number;
  end: number;
};

/** A closed partition the deduper should deliver. */
export type ClosedPartition = PartitionKey & { closedAt: Date };

/** What the deduper found in a partition, recorded when it is delivered. */
export type DeliveryRecord = {
  delivered: number;
  duplicates: number;
  conflicts: number;
  clientDelayMs?: { p50: number; p95: number; max: number };
  deliveredAt: Date;
  /** Exporters that should receive the partition; their state starts pending. */
  exporters: string[];
};

/** One file of a raw partition, as the consumer wrote it. */
export type RawFile = {
  path: string;
  eventType: string;
  /** Start of the partition, milliseconds since the epoch. */
  partitionStart: number;
  /** End of the partition (exclusive), milliseconds since the epoch. */
  partitionEnd: number;
  events: number;
  /** Uncompressed bytes of its lines. */
  bytes: number;
};

/** Where the pipeline keeps the state of its partitions. */
export interface PartitionStore {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;

  /**
   * Records files the consumer wrote and adds their events to their
   * partitions' counters, opening partitions not seen before; all or
   * nothing.
   */
  recordRawFiles(files: RawFile[], writtenAt: Date): Promise<void>;

  /**
   * Records that everything received before `watermark` through `transport`
   * is in raw partitions. Never moves a watermark back.
   */
  setConsumerProgress(transport: string, watermark: Date): Promise<void>;

  /** The last recorded watermark of a transport, if any. */
  getConsumerProgress(transport: string): Promise<Date | undefined>;

  /**
   * Partitions overlapping a window, oldest first per type. Leaves out
   * `slaMet`, which depends on the type's policy.
   */
  listPartitions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    state?: Partition['state'];
    /** Most partitions returned (the newest when `to` is unset). */
    limit?: number;
  }): Promise<Partition[]>;

  /**
   * Quiet partitions (the completionist's): the time before which no
   * partition is opened for want of events, recorded as `now` by the first
   * call and returned unchanged by every later one.
   */
  getOpeningFloor(now: Date): Promise<Date>;

  /** Per event type, the end of the last window opened by openPartitions. */
  listOpenedUntil(): Promise<Map<string, number>>;

  /**
   * Opens a partition with no events for each window of a type that has
   * none (a window with a partition, of any state, is left as it is), and
   * records that the type's partitions are opened until `openedUntil` (never
   * moved back); all or nothing. Returns how many it opened.
   */
  openPartitions(options: {
    eventType: string;
    windows: Array<{ start: number; end: number }>;
    openedUntil: number;
  }): Promise<number>;

  /**
   * Closes every open partition that ended at least `graceMs` before `now`
   * and at or before `watermark`, recording `closedAt`; returns those this
   * call closed. A partition closes once, however many callers race.
   */
  closePartitions(options: {
    now: Date;
    graceMs: number;
    watermark: Date;
  }): Promise<PartitionKey[]>;

  /**
   * Takes closed partitions for delivery, the oldest first, for `leaseMs`:
   * those nobody holds (or whose holder's lease expired, as after a crash),
   * and only when every earlier partition of the type is delivered, so the
   * lookback sees their keys. Counts an attempt on each.
   */
  claimClosed(options: {
    owner: string;
    leaseMs: number;
    now: Date;
    limit: number;
  }): Promise<ClosedPartition[]>;

  /** Extends a claim; false when it was lost (expired and taken over). */
  renewDelivery(
    partition: PartitionKey,
    options: { owner: string; leaseMs: number; now: Date },
  ): Promise<boolean>;

  /** Gives a claim back at once, e.g. after a failed delivery. */
  releaseDelivery(partition: PartitionKey, owner: string): Promise<void>;

  /** The raw files of a partition, in the order they were written. */
  listRawFiles(partition: PartitionKey): Promise<string[]>;

  /** Delivered partitions of a type that started in `[from, to)`. */
  listDeliveredStarts(
    eventType: string,
    from: Date,
    to: Date,
  ): Promise<number[]>;

  /**
   * Marks a closed partition delivered with its counts, counting the type's
   * failed events of the same window as invalid, releases its claim and
   * queues it for the exporters; all or nothing. False when it was not
   * `closed` (delivered meanwhile by whoever took the claim over).
   */
  recordDelivery(
    partition: PartitionKey,
    record: DeliveryRecord,
  ): Promise<boolean>;

  /**
   * Takes exports that are due (not done, not waiting to retry) for
   * `leaseMs`: until then no other replica takes them.
   */
  claimPendingExports(options: {
    now: Date;
    leaseMs: number;
    limit: number;
  }): Promise<Array<PartitionKey & { exporter: string; attempts: number }>>;

  /** Records an export's success, or its failure and when to retry. */
  recordExport(
    partition: PartitionKey & { exporter: string },
    outcome: { at: Date } & (
      | { ok: true }
      | { ok: false; error: string; retryAt: Date }
    ),
  ): Promise<void>;
}
