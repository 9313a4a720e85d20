/** An event ingest rejected, kept so that nothing sent is silently lost. */
export type FailedEvent = {
  id: string;
  /** ISO 8601 receive time. */
  receivedAt: string;
  /** The CloudEvents attributes, when the event had readable ones. */
  eventType?: string;
  source?: string;
  eventId?: string;
  /** Why it was rejected, in words a producer can act on. */
  reason: string;
  /** The event as received (JSON text), cut to the configured size. */
  payload: string;
  /** Whether `payload` was cut; a cut event cannot be replayed. */
  payloadTruncated: boolean;
  /** Subject of the credentials that sent it. */
  producer?: string;
  /** ISO 8601 time a replay accepted it; it is then in the pipeline. */
  replayedAt?: string;
};

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

/** A page of failed events, newest first. */
export type FailedEventPage = {
  items: FailedEvent[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
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
