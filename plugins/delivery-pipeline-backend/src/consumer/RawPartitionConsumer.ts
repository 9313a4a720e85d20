import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  ClaimExpiredError,
  EventClaim,
  EventTransport,
  partitionFolder,
  partitionStartOf,
  failpoint,
  PartitionStorage,
  TransportEvent,
} from '@data-collection/plugin-delivery-pipeline-node';
import { promisify } from 'node:util';
import { gzip as gzipCallback, constants as zlibConstants } from 'node:zlib';
import { ConsumerStore, RawFile } from './ConsumerStore';

const gzip = promisify(gzipCallback);
const GZIP_MIN_CHUNK = 64 * 1024;

export type RawPartitionConsumerOptions = {
  transport: EventTransport;
  /** Names the transport in the recorded progress. */
  transportName: string;
  storage: PartitionStorage;
  store: ConsumerStore;
  logger: LoggerService;
  widthMs: number;
  /** Most events per claim. */
  maxEvents: number;
  leaseMs: number;
  /** Pause when the transport is empty. */
  pollIntervalMs: number;
};

/**
 * Moves events from the transport into raw partitions: claims a batch, writes
 * one gzip NDJSON file per partition it touches, records the files and
 * counters, and only then acknowledges the batch. A crash anywhere before the
 * acknowledgement gets the batch offered again: duplicates, never losses.
 */
export class RawPartitionConsumer {
  readonly #options: RawPartitionConsumerOptions;
  #running?: Promise<void>;
  #stopping = false;
  #wake?: () => void;
  #lastProgressAt = 0;

  constructor(options: RawPartitionConsumerOptions) {
    this.#options = options;
  }

  /** Starts the loop; it runs until {@link RawPartitionConsumer.stop}. */
  start(): void {
    this.#stopping = false;
    this.#running ??= this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Finishes the batch under way, then stops. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
  }

  /**
   * Claims and writes one batch; returns how many events it moved (0 when
   * the transport was empty). The loop calls it; tests may too.
   */
  async runOnce(): Promise<number> {
    const { transport, maxEvents, leaseMs } = this.#options;
    const claim = await transport.claim({ maxEvents, leaseMs });
    if (!claim) {
      await this.#recordProgress(true);
      return 0;
    }
    try {
      await this.#write(claim);
    } catch (error) {
      await transport.release(claim).catch(() => {});
      throw error;
    }
    failpoint('consumer.after-record');
    try {
      await transport.ack(claim);
    } catch (error) {
      if (!(error instanceof ClaimExpiredError)) {
        throw error;
      }
      // Written but offered again: the deduper drops the second copy.
      this.#options.logger.warn(
        `Claim ${claim.id} expired before it was acknowledged; its ${claim.events.length} events will be written again. Raise deliveryPipeline.consumer.lease if this repeats.`,
      );
    }
    await this.#recordProgress(false);
    return claim.events.length;
  }

  async #write(claim: EventClaim): Promise<void> {
    const { storage, store, widthMs } = this.#options;
    const groups = new Map<
      string,
      { eventType: string; start: number; events: TransportEvent[] }
    >();
    for (const event of claim.events) {
      const start = partitionStartOf(event.receivedAt, widthMs);
      const key = `${event.eventType}\u0000${start}`;
      let group = groups.get(key);
      if (!group) {
        group = { eventType: event.eventType, start, events: [] };
        groups.set(key, group);
      }
      group.events.push(event);
    }
    const files = await Promise.all(
      [...groups.values()].map(async (group): Promise<RawFile> => {
        const text = `${group.events.map(e => e.line).join('\n')}\n`;
        const path = `${partitionFolder({
          kind: 'raw',
          eventType: group.eventType,
          start: group.start,
          widthMs,
        })}/part-${claim.id}.ndjson.gz`;
        // Raw files are read once, by the deduper: favour speed over size.
        // One output buffer for the whole file: with zlib's default 16 KiB
        // chunks a claim takes ~100 threadpool round trips, each waiting for
        // the event loop that ingest keeps busy, and the consumer falls
        // behind under load.
        await storage.write(
          path,
          await gzip(text, {
            level: zlibConstants.Z_BEST_SPEED,
            chunkSize: Math.max(GZIP_MIN_CHUNK, Buffer.byteLength(text)),
          }),
        );
        failpoint('consumer.after-raw-write');
        return {
          path,
          eventType: group.eventType,
          partitionStart: group.start,
          partitionEnd: group.start + widthMs,
          events: group.events.length,
          bytes: Buffer.byteLength(text) - group.events.length,
        };
      }),
    );
    await store.recordRawFiles(files, new Date());
  }

  /**
   * Records the transport's low watermark as the consumer's progress: at most
   * once a second while busy, and whenever the transport is found empty.
   */
  async #recordProgress(idle: boolean): Promise<void> {
    const now = Date.now();
    if (!idle && now - this.#lastProgressAt < 1000) {
      return;
    }
    this.#lastProgressAt = now;
    const watermark = await this.#options.transport.lowWatermark();
    await this.#options.store.setConsumerProgress(
      this.#options.transportName,
      new Date(watermark),
    );
  }

  async #loop(): Promise<void> {
    const { logger, pollIntervalMs } = this.#options;
    let failures = 0;
    while (!this.#stopping) {
      let moved = 0;
      try {
        moved = await this.runOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.error(
          'Consumer could not move a batch to raw partitions; it will be retried',
          toError(error),
        );
      }
      if (moved === 0 && !this.#stopping) {
        // Back off up to 30 s while failing, so a broken storage is not hammered.
        await this.#sleep(
          failures
            ? Math.min(30_000, pollIntervalMs * 2 ** failures)
            : pollIntervalMs,
        );
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
