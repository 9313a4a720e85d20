import { CustomErrorBase } from '@backstage/errors';

/**
 * One accepted event on its way from ingest to storage.
 *
 * @public
 */
export type TransportEvent = {
  /** The CloudEvents `type`: an event type registered in the schema registry. */
  eventType: string;
  /**
   * When ingest received the event, in milliseconds since the epoch. It
   * decides the event's partition.
   */
  receivedAt: number;
  /**
   * The event as raw partitions store it: the CloudEvent in the structured
   * JSON format plus a `receivedAt` member, as one line of JSON without the
   * newline.
   */
  line: string;
};

/**
 * Events one consumer holds for a while: nobody else is offered them until
 * the claim is acknowledged, released or its lease expires.
 *
 * @public
 */
export type EventClaim = {
  /** Identifies the claim; unique, so it can also name what is written. */
  readonly id: string;
  /** The claimed events, oldest first. */
  readonly events: TransportEvent[];
};

/**
 * What a transport holds and how much it may hold. Ingest refuses new events
 * (429) while either bound is reached.
 *
 * @public
 */
export type TransportBacklog = {
  /** Events published and not yet acknowledged, claimed or not. */
  events: number;
  /** Their size: the UTF-8 bytes of their lines. */
  bytes: number;
  maxEvents: number;
  maxBytes: number;
  /** Receive time of the oldest event held, in milliseconds since the epoch. */
  oldestReceivedAt?: number;
};

/**
 * Carries accepted events from ingest to the consumer with at-least-once
 * delivery: an event published is offered to consumers until one of them
 * acknowledges it, whatever crashes in between.
 *
 * @public
 */
export interface EventTransport {
  /**
   * Stores events durably. Resolves only once they would survive a crash of
   * any process (committed and synced); ingest answers 2xx after that, never
   * before. Rejects with {@link TransportFullError} while the backlog is at
   * its bound, storing none of them.
   */
  publish(events: TransportEvent[]): Promise<void>;

  /**
   * Claims up to `maxEvents` events that nobody holds, oldest first, for
   * `leaseMs` milliseconds. Resolves `undefined` when none wait. Events of a
   * claim whose lease expires are offered again (to this or another
   * replica), so a crashed consumer loses nothing.
   */
  claim(options: {
    maxEvents: number;
    leaseMs: number;
  }): Promise<EventClaim | undefined>;

  /**
   * Removes a claim's events for good. Call it only once they are durable in
   * storage. Rejects with {@link ClaimExpiredError} when the lease expired
   * first: the events will be offered again, and a second copy in storage is
   * a duplicate the deduper removes.
   */
  ack(claim: EventClaim): Promise<void>;

  /** Gives a claim's events back at once, e.g. after a failed write. */
  release(claim: EventClaim): Promise<void>;

  /** What the transport holds now, for metrics and backpressure. */
  backlog(): Promise<TransportBacklog>;

  /**
   * A time T, in milliseconds since the epoch, such that every event received
   * before T has been acknowledged: none is held by the transport nor still
   * on its way in. Consumers record it as their progress; the completionist
   * closes a partition only once it is past the partition's end.
   */
  lowWatermark(): Promise<number>;

  /** Finishes pending publishes and releases resources. */
  close(): Promise<void>;
}

/**
 * The transport's backlog is at its bound: try again later.
 *
 * @public
 */
export class TransportFullError extends CustomErrorBase {
  name = 'TransportFullError' as const;

  constructor(
    message: string,
    /** When a retry may succeed, in seconds: ingest's `Retry-After`. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A claim's lease expired before it was acknowledged.
 *
 * @public
 */
export class ClaimExpiredError extends CustomErrorBase {
  name = 'ClaimExpiredError' as const;
}
