import {
  FailedEvent,
  FailedEventPage,
} from '@internal/plugin-delivery-pipeline-common';

export type { FailedEvent, FailedEventPage };

export type NewFailedEvent = Omit<FailedEvent, 'id' | 'receivedAt'> & {
  receivedAt: Date;
};

export type FailedEventFilter = {
  eventType?: string;
  from?: Date;
  to?: Date;
  /** Include events already replayed. Default false. */
  includeReplayed?: boolean;
};

/** Where rejected events are kept. */
export interface FailedEventStore {
  add(events: NewFailedEvent[]): Promise<void>;
  list(
    filter: FailedEventFilter & { limit: number; cursor?: string },
  ): Promise<FailedEventPage>;
  /** Marks events as replayed, and keeps a new reason for those that failed again. */
  recordReplay(outcome: {
    replayed: string[];
    failedAgain: Array<{ id: string; reason: string }>;
    at: Date;
  }): Promise<void>;
}
