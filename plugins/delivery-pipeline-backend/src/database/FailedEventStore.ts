import {
  FailedEvent,
  FailedEventPage,
} from '@data-collection/plugin-delivery-pipeline-common';

export type { FailedEvent, FailedEventPage };

/**
 * A failed event as stored: its payload sealed with the key `keyId` names
 * (absent for events kept before payloads were sealed).
 */
export type StoredFailedEvent = Omit<FailedEvent, 'payloadMasked'> & {
  keyId?: string;
};

export type NewFailedEvent = Omit<StoredFailedEvent, 'id' | 'receivedAt'> & {
  receivedAt: Date;
  keyId: string;
};

export type FailedEventFilter = {
  eventType?: string;
  from?: Date;
  to?: Date;
  /** Include events already replayed. Default false. */
  includeReplayed?: boolean;
};

/** Where rejected events are kept (table `failed_events`). */
export interface FailedEventStore {
  add(events: NewFailedEvent[]): Promise<void>;
  /**
   * Newest first. A page ends after `limit` events, or earlier once its
   * payloads add up to more than `maxBytes` (it holds at least one event);
   * `nextCursor` is set whenever more may follow.
   */
  list(
    filter: FailedEventFilter & {
      limit: number;
      cursor?: string;
      maxBytes?: number;
    },
  ): Promise<{ items: StoredFailedEvent[]; nextCursor?: string }>;
  /** Marks events as replayed, and keeps a new reason for those that failed again. */
  recordReplay(outcome: {
    replayed: string[];
    failedAgain: Array<{ id: string; reason: string }>;
    at: Date;
  }): Promise<void>;
  /** Deletes events received before `before` (retention); returns how many. */
  deleteReceivedBefore(before: Date): Promise<number>;
  /** Events whose payload is not sealed yet (kept before sealing existed). */
  listUnsealed(limit: number): Promise<StoredFailedEvent[]>;
  /** Replaces a payload by its sealed form. */
  markSealed(event: {
    id: string;
    payload: string;
    keyId: string;
  }): Promise<void>;
}
