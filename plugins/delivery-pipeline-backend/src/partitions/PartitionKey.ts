import { Partition } from '@data-collection/plugin-delivery-pipeline-common';

export type { Partition };

/** Identifies a partition: an event type and the start of its window. */
export type PartitionKey = {
  eventType: string;
  /** Milliseconds since the epoch. */
  start: number;
  end: number;
};
