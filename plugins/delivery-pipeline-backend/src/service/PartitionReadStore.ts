import { Partition } from '../partitions/PartitionKey';

/** What the router reads of the partitions: it never writes them. */
export interface PartitionReadStore {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;

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
}
