import { PartitionKey } from '../partitions/PartitionKey';

/** What the completionist reads and writes: progress in, closes out. */
export interface CompletionStore {
  /** The consumer's last recorded watermark for a transport, if any. */
  getConsumerProgress(transport: string): Promise<Date | undefined>;

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
}
