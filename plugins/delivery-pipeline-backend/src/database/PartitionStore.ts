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

/** Where the pipeline keeps the state of its partitions. */
export interface PartitionStore {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  listPartitions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
  }): Promise<Partition[]>;
}
