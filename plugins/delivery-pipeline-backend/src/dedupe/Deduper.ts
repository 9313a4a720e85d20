import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  DeliveredPartition,
  partitionFolder,
  failpoint,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { randomUUID } from 'node:crypto';
import { ClosedPartition, DedupeStore } from './DedupeStore';
import { dedupePartition } from './dedupePartition';
import { dedupeCounters, partitionMetrics } from '../metrics';
import { PartitionSignalPublisher } from '../signals/PartitionSignals';

export type DeduperOptions = {
  store: DedupeStore;
  storage: PartitionStorage;
  /** Names of the exporters that receive each delivered partition. */
  exporterNames: string[];
  /** Keys of earlier partitions of the type within this span count too. */
  lookbackMs: number;
  maxMemoryBytes: number;
  spillDirectory: string;
  /** See `deliveryPipeline.deduper.workerThreads`; undefined: the default. */
  workerThreads?: number;
  /**
   * How long a claim on a partition lasts; renewed every third of it while
   * the partition is being delivered, so a crashed replica's partition is
   * taken over after at most this long.
   */
  leaseMs: number;
  logger: LoggerService;
  /** Told of each delivered partition, for the portal's open pages. */
  signals?: PartitionSignalPublisher;
  now?: () => Date;
};

/** Closed partitions claimed at a time; a run goes on until none are left. */
const BATCH = 5;

/**
 * Delivers closed partitions: keeps the first event of each `(source, id)`,
 * against the partition itself and the type's partitions delivered within
 * the lookback, writes the delivered partition and records it.
 *
 * Every replica runs it; partitions are claimed one by one with a lease in
 * the database (not the scheduler's task lock, which a killed replica would
 * hold until the task's timeout), so replicas share the work, a type's
 * partitions are delivered in order, and a crashed replica's partition is
 * taken over once its lease expires. The same input gives the same files,
 * so a partition written twice is written identically and recorded once.
 */
export class Deduper {
  readonly #options: DeduperOptions;
  /** Names this process's claims. */
  readonly #owner = randomUUID();

  constructor(options: DeduperOptions) {
    this.#options = options;
  }

  /** Delivers every closed partition; returns those delivered. */
  async runOnce(options?: {
    signal?: AbortSignal;
  }): Promise<DeliveredPartition[]> {
    const { store, leaseMs } = this.#options;
    const delivered: DeliveredPartition[] = [];
    for (;;) {
      if (options?.signal?.aborted) return delivered;
      // The claim skips partitions with an undelivered earlier one of the
      // same type, so after a failure the type's later partitions wait.
      const batch = await store.claimClosed({
        owner: this.#owner,
        leaseMs,
        now: this.#now(),
        limit: BATCH,
      });
      if (batch.length === 0) return delivered;
      for (const partition of batch) {
        if (options?.signal?.aborted) {
          // Let them go now rather than when their lease runs out.
          await store.releaseDelivery(partition, this.#owner);
          continue;
        }
        try {
          const result = await this.#deliverHoldingClaim(partition);
          if (result) delivered.push(result);
        } catch (error) {
          // The claim is kept until its lease runs out: the partition (and
          // the type's later ones) wait that long before a retry, while
          // other types go on.
          this.#options.logger.error(
            `Could not deliver partition ${describe(
              partition,
            )}; it is retried once its claim expires (deliveryPipeline.deduper.lease), the type's later partitions wait for it`,
            toError(error),
          );
        }
      }
    }
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /** Delivers a claimed partition, renewing the claim while it works. */
  async #deliverHoldingClaim(
    partition: ClosedPartition,
  ): Promise<DeliveredPartition | undefined> {
    const { store, leaseMs, logger } = this.#options;
    const renew = setInterval(() => {
      store
        .renewDelivery(partition, {
          owner: this.#owner,
          leaseMs,
          now: this.#now(),
        })
        .then(held => {
          if (!held) {
            logger.warn(
              `Lost the claim on ${describe(
                partition,
              )} (it took longer than deliveryPipeline.deduper.lease to renew); another replica may deliver it too, with the same files`,
            );
          }
        })
        .catch(() => {});
    }, leaseMs / 3);
    try {
      return await this.#deliver(partition);
    } finally {
      clearInterval(renew);
    }
  }

  async #deliver(
    partition: ClosedPartition,
  ): Promise<DeliveredPartition | undefined> {
    const { store, storage, lookbackMs, logger } = this.#options;
    const rawFiles = await store.listRawFiles(partition);
    const earlier = await store.listDelivered(
      partition.eventType,
      new Date(partition.start - lookbackMs),
      new Date(partition.start),
    );
    // Folders follow from a partition's own width, as exporters, the
    // preview and retention compute them: a partition closed before the
    // configured width changed keeps its width.
    const folderOf = (p: { start: number; end: number }) =>
      partitionFolder({
        kind: 'delivered',
        eventType: partition.eventType,
        start: p.start,
        widthMs: p.end - p.start,
      });
    const result = await dedupePartition({
      storage,
      partition,
      rawFiles,
      lookbackFolders: earlier.map(folderOf),
      outputFolder: folderOf(partition),
      maxMemoryBytes: this.#options.maxMemoryBytes,
      spillDirectory: this.#options.spillDirectory,
      workerThreads: this.#options.workerThreads,
      logger,
    });
    failpoint('dedupe.after-manifest');
    const deliveredAt = this.#now();
    const recorded = await store.recordDelivery(partition, {
      delivered: result.delivered,
      duplicates: result.duplicates,
      conflicts: result.conflicts,
      clientDelayMs: result.clientDelayMs,
      deliveredAt,
      exporters: this.#options.exporterNames,
    });
    if (!recorded) {
      // Another run delivered it meanwhile, with the same files.
      return undefined;
    }
    // Once per delivered partition, from this (the main) thread, after the
    // workers are done: never in the dedupe's hot path. Empty partitions of
    // quiet windows are delivered here too.
    this.#options.signals?.publish({
      eventType: partition.eventType,
      partitionStart: partition.start,
      state: 'delivered',
    });

    const attributes = { event_type: partition.eventType };
    const latenessSeconds = (deliveredAt.getTime() - partition.end) / 1000;
    partitionMetrics.delivered.add(1, attributes);
    partitionMetrics.lateness.record(latenessSeconds, attributes);
    dedupeCounters.delivered.add(result.delivered, attributes);
    dedupeCounters.duplicate.add(result.duplicates, {
      ...attributes,
      kind: 'resend',
    });
    dedupeCounters.duplicate.add(result.conflicts, {
      ...attributes,
      kind: 'conflict',
    });
    if (result.clientDelayMs) {
      dedupeCounters.clientDelay.record(
        result.clientDelayMs.p50 / 1000,
        attributes,
      );
    }
    logger.info(
      `Delivered ${describe(partition)}: ${result.delivered} events, ${
        result.duplicates
      } resends and ${
        result.conflicts
      } conflicting duplicates dropped, ${Math.round(
        latenessSeconds,
      )} s after its end${result.spilled ? ' (spilled to disk)' : ''}`,
    );
    return result.partition;
  }
}

function describe(partition: { eventType: string; start: number }): string {
  return `${partition.eventType} ${new Date(partition.start).toISOString()}`;
}
