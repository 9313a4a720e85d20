import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ClaimExpiredError,
  EventClaim,
  EventTransport,
  failpoint,
  TransportBacklog,
  TransportEvent,
} from '@data-collection/plugin-delivery-pipeline-node';
import {
  assertRoomFor,
  BacklogBounds,
  InFlightPublishes,
  minOf,
} from './backlog';
import { claimedEvents, sumOf, toChunks } from './chunks';
import { LocalTransportContents } from './localTransportProtocol';
import { LocalTransportWorkerClient } from './LocalTransportWorkerClient';

/** @public */
export type LocalEventTransportOptions = BacklogBounds & {
  /** Folder of the transport's SQLite file; created if missing. */
  directory: string;
  logger?: LoggerService;
};

/** The SQLite file in `directory`. */
const LOCAL_TRANSPORT_FILE_NAME = 'transport.sqlite';

/**
 * The embedded transport: a SQLite file of its own, for one backend process.
 *
 * A worker thread owns the file and does every write, so that syncing it
 * never blocks this thread's event loop; publish calls that arrive while a
 * commit syncs share the next one. Claims live in the worker's memory, so
 * after a restart everything not acknowledged is offered again.
 *
 * @public
 */
export class LocalEventTransport implements EventTransport {
  /** Resolves once the file is open; rejects if another process holds it. */
  static async create(
    options: LocalEventTransportOptions,
  ): Promise<LocalEventTransport> {
    await fs.promises.mkdir(options.directory, { recursive: true });
    const { worker, contents } = await LocalTransportWorkerClient.start(
      path.join(options.directory, LOCAL_TRANSPORT_FILE_NAME),
      options.logger,
    );
    return new LocalEventTransport(worker, options, contents);
  }

  readonly #inFlight = new InFlightPublishes();
  /** Includes publishes in flight, so concurrent ones cannot overshoot. */
  readonly #held: LocalTransportContents;
  #closing?: Promise<void>;

  private constructor(
    private readonly worker: LocalTransportWorkerClient,
    private readonly bounds: BacklogBounds,
    contents: LocalTransportContents,
  ) {
    this.#held = { ...contents };
  }

  async publish(events: TransportEvent[]): Promise<void> {
    this.#assertOpen();
    const chunks = toChunks(events);
    if (chunks.length === 0) {
      return;
    }
    const incoming = {
      events: events.length,
      bytes: sumOf(chunks, chunk => chunk.bytes),
    };
    assertRoomFor(incoming, this.#held, this.bounds);
    this.#held.events += incoming.events;
    this.#held.bytes += incoming.bytes;
    const publish = this.#inFlight.begin(
      Math.min(...chunks.map(chunk => chunk.minReceivedAt)),
    );
    try {
      await this.worker.request('publish', { chunks });
      failpoint('transport.after-publish');
    } catch (error) {
      this.#held.events -= incoming.events;
      this.#held.bytes -= incoming.bytes;
      throw error;
    } finally {
      this.#inFlight.end(publish);
    }
  }

  async claim(options: {
    maxEvents: number;
    leaseMs: number;
  }): Promise<EventClaim | undefined> {
    this.#assertOpen();
    const id = randomUUID();
    const chunks = await this.worker.request('claim', {
      claimId: id,
      maxEvents: options.maxEvents,
      leaseMs: options.leaseMs,
    });
    return chunks.length ? { id, events: claimedEvents(chunks) } : undefined;
  }

  async ack(claim: EventClaim): Promise<void> {
    this.#assertOpen();
    const result = await this.worker.request('ack', { claimId: claim.id });
    if (result.expired) {
      throw new ClaimExpiredError(
        `The lease of claim ${claim.id} expired before it was acknowledged; its events are offered again`,
      );
    }
    this.#held.events -= result.events;
    this.#held.bytes -= result.bytes;
  }

  async release(claim: EventClaim): Promise<void> {
    this.#assertOpen();
    await this.worker.request('release', { claimId: claim.id });
  }

  async backlog(): Promise<TransportBacklog> {
    this.#assertOpen();
    const oldestInFlight = this.#inFlight.oldestReceivedAt();
    const oldestStored = await this.worker.request('oldestReceivedAt', {});
    return {
      events: this.#held.events,
      bytes: this.#held.bytes,
      maxEvents: this.bounds.maxBacklogEvents,
      maxBytes: this.bounds.maxBacklogBytes,
      oldestReceivedAt: minOf(oldestStored, oldestInFlight),
    };
  }

  /**
   * Exact, as this process is the only writer: taken before the file is
   * read, the in-flight snapshot covers every publish the read cannot see
   * yet, because the worker commits in the order it was asked.
   */
  async lowWatermark(): Promise<number> {
    this.#assertOpen();
    const now = Date.now();
    const oldestInFlight = this.#inFlight.oldestReceivedAt();
    const oldestStored = await this.worker.request('oldestReceivedAt', {});
    return minOf(oldestStored, oldestInFlight, now)!;
  }

  /** Waits for the publishes already made, then closes the file. */
  close(): Promise<void> {
    this.#closing ??= this.worker.close();
    return this.#closing;
  }

  #assertOpen() {
    if (this.#closing) {
      throw new ServiceUnavailableError('The local event transport is closed');
    }
  }
}
