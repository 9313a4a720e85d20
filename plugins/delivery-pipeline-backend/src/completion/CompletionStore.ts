import { PartitionKey } from '../partitions/PartitionKey';

/** What the completionist reads and writes: progress in, closes out. */
export interface CompletionStore {
  /** The consumer's last recorded watermark for a transport, if any. */
  getConsumerProgress(transport: string): Promise<Date | undefined>;

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
}
