import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { PartitionKey } from '../partitions/PartitionKey';
import { CompletionStore } from './CompletionStore';
import { partitionMetrics } from '../metrics';

export type CompletionistOptions = {
  store: CompletionStore;
  /** Names the transport whose consumer progress proves completeness. */
  transportName: string;
  /** How long after its end a partition stays open at least. */
  graceMs: number;
  logger: LoggerService;
  now?: () => Date;
  /**
   * Opens partitions for windows without events before each close, so they
   * close too (openQuietPartitions.ts).
   */
  quietPartitions?: {
    runOnce(options: { watermark: Date; now: Date }): Promise<number>;
  };
};

/**
 * Closes partitions once they are known to be complete: the clock is past
 * their end plus the grace period, and the consumer's recorded progress (the
 * transport's low watermark: everything received before it is in raw
 * storage) is past their end. Partitions are keyed on receive time, so
 * nothing can arrive for a closed one later: an event received after the
 * close belongs to a later partition by construction.
 *
 * The plugin runs it as a scheduled task with global scope; it is
 * idempotent, and of two overlapping runs only one records each close.
 */
export class Completionist {
  readonly #options: CompletionistOptions;

  constructor(options: CompletionistOptions) {
    this.#options = options;
  }

  /** Closes what can be closed; returns the partitions this run closed. */
  async runOnce(): Promise<PartitionKey[]> {
    const { store, transportName, graceMs, logger } = this.#options;
    const now = this.#options.now?.() ?? new Date();
    const watermark = await store.getConsumerProgress(transportName);
    if (!watermark) {
      // No consumer has reported yet: nothing is known to be complete.
      return [];
    }
    try {
      await this.#options.quietPartitions?.runOnce({ watermark, now });
    } catch (error) {
      // The registry may be down: partitions with events still close, and
      // the quiet ones are opened on a later run.
      logger.warn(
        'Could not open the partitions of windows without events; retried on the next run',
        toError(error),
      );
    }
    const closed = await store.closePartitions({
      now,
      graceMs,
      watermark,
    });
    if (closed.length > 0) {
      partitionMetrics.closed.add(closed.length);
      logger.info(
        `Closed ${closed.length} partition(s), up to ${new Date(
          Math.max(...closed.map(p => p.end)),
        ).toISOString()}; the consumer's watermark is ${watermark.toISOString()}`,
      );
    }
    return closed;
  }
}
