/** The state of one partition: an event type's events received in one hour. */
export type Partition = {
  eventType: string;
  /** ISO 8601 start of the hour (inclusive). */
  start: string;
  /** ISO 8601 end of the hour (exclusive). */
  end: string;
  state: 'open' | 'closed' | 'delivered' | 'expired';
  counts: { received: number; bytes: number };
  closedAt?: string;
  deliveredAt?: string;
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

  listPartitions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
  }): Promise<Partition[]>;
}
