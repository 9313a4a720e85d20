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

/** What the consumer records: its raw files and how far it got. */
export interface ConsumerStore {
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
}
