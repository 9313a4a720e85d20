import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  failpoint,
  PartitionExporter,
  PartitionStorage,
  partitionFolder,
  readDeliveredPartition,
} from '@data-collection/plugin-delivery-pipeline-node';
import { ExportStore } from './ExportStore';

export type ExportRunnerOptions = {
  store: ExportStore;
  storage: PartitionStorage;
  exporters: PartitionExporter[];
  logger: LoggerService;
  now?: () => Date;
};

/** Most exports one run takes. */
const BATCH = 50;
/**
 * How long a claimed export is not offered to other replicas; one that runs
 * longer may be started twice, which exporters tolerate (idempotent).
 */
const EXPORT_LEASE_MS = 15 * 60_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;

/**
 * Hands delivered partitions to the exporters (a warehouse load, say), each
 * until it succeeds, backing off between failures. The deduper queues a
 * partition for every exporter in the same transaction that marks it
 * delivered, so none is skipped across crashes; an exporter may see a
 * partition twice and must be idempotent.
 */
export class ExportRunner {
  readonly #options: ExportRunnerOptions;
  readonly #byName: Map<string, PartitionExporter>;

  constructor(options: ExportRunnerOptions) {
    this.#options = options;
    this.#byName = new Map(options.exporters.map(e => [e.name, e]));
  }

  /** Runs the exports that are due; returns how many succeeded. */
  async runOnce(): Promise<number> {
    const { store, storage, logger } = this.#options;
    if (this.#byName.size === 0) return 0;
    const now = () => this.#options.now?.() ?? new Date();
    let succeeded = 0;
    for (let taken = 0; taken < BATCH; taken++) {
      // One at a time: a claim holds its export for the whole lease, so a
      // replica killed mid-run strands only the export it was running, not
      // a batch it had claimed ahead (partitions delivered empty make
      // batches larger).
      const [item] = await store.claimPendingExports({
        now: now(),
        leaseMs: EXPORT_LEASE_MS,
        limit: 1,
      });
      if (!item) break;
      const exporter = this.#byName.get(item.exporter);
      if (!exporter) {
        // Not installed in this replica (or removed since): left pending,
        // offered again after the lease.
        continue;
      }
      try {
        const partition = await readDeliveredPartition(
          storage,
          partitionFolder({
            kind: 'delivered',
            eventType: item.eventType,
            start: item.start,
            widthMs: item.end - item.start,
          }),
        );
        await exporter.export(partition);
        failpoint('export.after-export');
        await store.recordExport(item, { ok: true, at: now() });
        succeeded += 1;
      } catch (error) {
        const delay = Math.min(
          MAX_RETRY_MS,
          FIRST_RETRY_MS * 2 ** item.attempts,
        );
        const at = now();
        await store.recordExport(item, {
          ok: false,
          at,
          error: toError(error).message,
          retryAt: new Date(at.getTime() + delay),
        });
        logger.warn(
          `Exporter ${item.exporter} failed on ${item.eventType} ${new Date(
            item.start,
          ).toISOString()} (attempt ${item.attempts + 1}); retrying in ${
            delay / 1000
          } s`,
          toError(error),
        );
      }
    }
    return succeeded;
  }
}
