import { LoggerService } from '@backstage/backend-plugin-api';
import {
  failpoint,
  isInNarrowerPartitionFolder,
  MANIFEST_NAME,
  partitionFolder,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { RetentionPartition, RetentionStore } from './RetentionStore';
import { partitionMetrics } from '../metrics';
import {
  EventTypePolicy,
  EventTypePolicySource,
} from '../policies/EventTypePolicies';

/** What one run of {@link RetentionTask} did. */
export type RetentionRunSummary = {
  /** Partitions whose raw files were deleted and recorded. */
  raw: number;
  /** Delivered partitions deleted and recorded (now `expired`). */
  delivered: number;
  /** Partitions that failed (logged) and are tried again next run. */
  failed: number;
};

const DEFAULT_BATCH_SIZE = 100;
const DELETE_CONCURRENCY = 16;

/**
 * Deletes what the types' retention policies no longer keep:
 *
 * - the raw files of `delivered` or `expired` partitions that ended more
 *   than the raw retention ago (never of `open` or `closed` ones, whose raw
 *   files are all there is until delivery), recording `raw_deleted_at`;
 * - the delivered files of `delivered` partitions that ended more than the
 *   delivered retention ago, moving them to `expired`.
 *
 * Files are deleted first and recorded afterwards in one transaction with a
 * conditional update, so a run that crashed in between is completed by the
 * next one (deleting again is a no-op), and of two overlapping runs only one
 * records each deletion. Partitions are read `batchSize` at a time per type.
 * Run it on one replica at a time (scheduler `global` scope).
 */
export class RetentionTask {
  readonly #store: RetentionStore;
  readonly #storage: PartitionStorage;
  readonly #policies: EventTypePolicySource;
  readonly #logger: LoggerService;
  readonly #now: () => Date;
  readonly #batchSize: number;

  constructor(options: {
    store: RetentionStore;
    storage: PartitionStorage;
    policies: EventTypePolicySource;
    logger: LoggerService;
    /** Partitions read per query. Default 100. */
    batchSize?: number;
    now?: () => Date;
  }) {
    this.#store = options.store;
    this.#storage = options.storage;
    this.#policies = options.policies;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  /**
   * One pass over every event type. Throws when a policy cannot be read
   * (registry unreachable): nothing is deleted without knowing the policy.
   * A partition whose files cannot be deleted is logged and skipped.
   */
  async runOnce(): Promise<RetentionRunSummary> {
    const summary: RetentionRunSummary = { raw: 0, delivered: 0, failed: 0 };
    const now = this.#now();
    for (const eventType of await this.#store.listEventTypesWithData()) {
      const policy = await this.#policies.get(eventType);
      const { rawMs, deliveredMs } = policy.retention;
      if (rawMs !== undefined) {
        await this.#deleteExpired('raw', policy, rawMs, now, summary);
      }
      if (deliveredMs !== undefined) {
        await this.#deleteExpired(
          'delivered',
          policy,
          deliveredMs,
          now,
          summary,
        );
      }
    }
    if (summary.raw + summary.delivered + summary.failed > 0) {
      this.#logger.info(
        `Retention deleted the raw files of ${summary.raw} partitions and ${summary.delivered} delivered partitions; ${summary.failed} failed and are tried again next run`,
      );
    }
    return summary;
  }

  /**
   * Deletes, batch by batch, the raw files or the delivered data of a type's
   * partitions that ended before `now - retentionMs`. A partition whose
   * files cannot be deleted is logged, counted as failed and left for the
   * next run.
   */
  async #deleteExpired(
    kind: 'raw' | 'delivered',
    policy: EventTypePolicy,
    retentionMs: number,
    now: Date,
    summary: RetentionRunSummary,
  ): Promise<void> {
    const endedBy = new Date(now.getTime() - retentionMs);
    const list =
      kind === 'raw'
        ? this.#store.listRawExpired.bind(this.#store)
        : this.#store.listDeliveredExpired.bind(this.#store);
    const deleteOne =
      kind === 'raw'
        ? (p: RetentionPartition) => this.#deleteRaw(policy, p)
        : (p: RetentionPartition) => this.#deleteDelivered(policy, p);
    let after: RetentionPartition | undefined;
    for (;;) {
      const batch = await list({
        eventType: policy.eventType,
        endedBy,
        limit: this.#batchSize,
        after,
      });
      for (const partition of batch) {
        try {
          if (await deleteOne(partition)) {
            summary[kind] += 1;
            partitionMetrics.deleted.add(1, { kind });
          }
        } catch (error) {
          summary.failed += 1;
          this.#logger.warn(
            `Retention could not delete the ${
              kind === 'raw' ? 'raw files of' : 'delivered partition'
            } ${
              policy.eventType
            } ${partition.start.toISOString()}; trying again next run`,
            error as Error,
          );
        }
      }
      if (batch.length < this.#batchSize) {
        return;
      }
      after = batch[batch.length - 1];
    }
  }

  /** Deletes a partition's raw files; true when this call recorded it. */
  async #deleteRaw(
    policy: EventTypePolicy,
    partition: RetentionPartition,
  ): Promise<boolean> {
    const files = await this.#store.listRawFiles(partition);
    // Also files a consumer wrote but died before recording: their events
    // were written again, so they are copies nobody reads.
    const recordedPaths = new Set(files.map(f => f.path));
    const unrecorded = (await this.#listFolder('raw', partition)).filter(
      p => !recordedPaths.has(p),
    );
    const paths = [...recordedPaths, ...unrecorded];
    await deleteAll(this.#storage, paths);
    // The risky moment is files gone while the database lists them: none
    // for a partition delivered empty (it has no raw files).
    if (paths.length > 0) failpoint('retention.after-delete');
    return this.#store.recordRawDeletion({
      partition,
      kind: 'raw',
      paths: files.map(f => f.path),
      files: files.length + unrecorded.length,
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      deletedAt: this.#now(),
      reason: `raw retention ${policy.retention.raw} of ${
        policy.eventType
      } passed: the partition ended ${isoSeconds(partition.end)}`,
    });
  }

  /** Deletes a delivered partition's folder; true when this call recorded it. */
  async #deleteDelivered(
    policy: EventTypePolicy,
    partition: RetentionPartition,
  ): Promise<boolean> {
    const paths = await this.#listFolder('delivered', partition);
    await deleteAll(this.#storage, paths);
    if (paths.length > 0) failpoint('retention.after-delete');
    return this.#store.recordDeliveredDeletion({
      partition,
      kind: 'delivered',
      files: paths.length,
      deletedAt: this.#now(),
      reason: `delivered retention ${policy.retention.delivered} of ${
        policy.eventType
      } passed: the partition ended ${isoSeconds(partition.end)}`,
    });
  }

  /**
   * Every object in a partition's raw or delivered folder: data files,
   * `_manifest.json` and other sidecars. The width is the partition's own
   * (end minus start), so partitions written before a change of the
   * configured width are found.
   */
  async #listFolder(
    kind: 'raw' | 'delivered',
    partition: RetentionPartition,
  ): Promise<string[]> {
    const widthMs = partition.end.getTime() - partition.start.getTime();
    const folder = partitionFolder({
      kind,
      eventType: partition.eventType,
      start: partition.start.getTime(),
      widthMs,
    });
    const paths = await this.#storage.list(`${folder}/`);
    // An hour's folder also holds the `<mm>-<ss>` folders of narrower
    // partitions, should the width have been changed: never theirs.
    return paths.filter(p => {
      if (!p.startsWith(`${folder}/`)) return false;
      return !isInNarrowerPartitionFolder(widthMs, p.slice(folder.length + 1));
    });
  }
}

/** Deletes objects a few at a time; deleting a missing one is no error. */
async function deleteAll(
  storage: PartitionStorage,
  paths: string[],
): Promise<void> {
  // The manifest first: a partition interrupted half-way through deletion
  // must not look complete to the preview, exporters or the lookback.
  const manifests = paths.filter(p => p.endsWith(`/${MANIFEST_NAME}`));
  await Promise.all(manifests.map(p => storage.delete(p)));
  const rest = paths.filter(p => !manifests.includes(p));
  let next = 0;
  const worker = async () => {
    while (next < rest.length) {
      const path = rest[next++];
      await storage.delete(path);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(DELETE_CONCURRENCY, rest.length) }, worker),
  );
}

/** `2026-11-10T10:00:00Z`, with milliseconds only when there are some. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
