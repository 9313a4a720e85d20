import { PartitionKey } from '../partitions/PartitionKey';

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

/**
 * What the deduper needs: claims on closed partitions, their raw files, the
 * type's earlier deliveries (the lookback) and the record of a delivery.
 */
export interface DedupeStore {
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

  /**
   * Delivered partitions of a type that started in `[from, to)`, oldest
   * first, each with its own end: a partition keeps the width it was made
   * with, whatever the configured width is now.
   */
  listDelivered(
    eventType: string,
    from: Date,
    to: Date,
  ): Promise<Array<{ start: number; end: number }>>;

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
}
