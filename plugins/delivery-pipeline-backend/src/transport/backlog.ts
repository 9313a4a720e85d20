import { TransportFullError } from '@data-collection/plugin-delivery-pipeline-node';

/** The bounds of a transport's backlog, from its options. */
export type BacklogBounds = {
  maxBacklogEvents: number;
  maxBacklogBytes: number;
};

/**
 * Ingest passes this on as `Retry-After`. A consumer drains a full backlog
 * at tens of thousands of events a second, so a short wait usually
 * suffices and a longer one would only idle the producers.
 */
const RETRY_AFTER_SECONDS = 1;

/**
 * Refuses a publish that would take the backlog past a bound, so what is
 * held never exceeds them (apart from what a stale estimate misses).
 */
export function assertRoomFor(
  incoming: { events: number; bytes: number },
  held: { events: number; bytes: number },
  bounds: BacklogBounds,
): void {
  if (held.events + incoming.events > bounds.maxBacklogEvents) {
    throw new TransportFullError(
      `The transport holds ${held.events} events and takes at most ${bounds.maxBacklogEvents}`,
      RETRY_AFTER_SECONDS,
    );
  }
  if (held.bytes + incoming.bytes > bounds.maxBacklogBytes) {
    throw new TransportFullError(
      `The transport holds ${held.bytes} bytes of events and takes at most ${bounds.maxBacklogBytes}`,
      RETRY_AFTER_SECONDS,
    );
  }
}

/**
 * The publish calls of this process that are not durable yet. A low
 * watermark must stay below their events, which are on their way in.
 */
export class InFlightPublishes {
  #nextId = 0;
  readonly #oldestByPublish = new Map<number, number>();

  /** Returns the handle to pass to `end`. */
  begin(oldestReceivedAt: number): number {
    const id = this.#nextId++;
    this.#oldestByPublish.set(id, oldestReceivedAt);
    return id;
  }

  end(id: number): void {
    this.#oldestByPublish.delete(id);
  }

  get size(): number {
    return this.#oldestByPublish.size;
  }

  /** Receive time of the oldest event in flight, if any. */
  oldestReceivedAt(): number | undefined {
    let oldest: number | undefined;
    for (const receivedAt of this.#oldestByPublish.values()) {
      if (oldest === undefined || receivedAt < oldest) {
        oldest = receivedAt;
      }
    }
    return oldest;
  }
}

/** The smallest of the defined values, `undefined` if none is. */
export function minOf(...values: Array<number | undefined>) {
  let min: number | undefined;
  for (const value of values) {
    if (value !== undefined && (min === undefined || value < min)) {
      min = value;
    }
  }
  return min;
}
