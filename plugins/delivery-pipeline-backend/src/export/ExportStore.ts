import { PartitionKey } from '../partitions/PartitionKey';

/** A delivered partition waiting for one exporter. */
export type PendingExport = PartitionKey & {
  exporter: string;
  attempts: number;
};

/** The export queue the deduper fills when it records a delivery. */
export interface ExportStore {
  /**
   * Takes exports that are due (not done, not waiting to retry) for
   * `leaseMs`: until then no other replica takes them.
   */
  claimPendingExports(options: {
    now: Date;
    leaseMs: number;
    limit: number;
  }): Promise<PendingExport[]>;

  /** Records an export's success, or its failure and when to retry. */
  recordExport(
    partition: PartitionKey & { exporter: string },
    outcome: { at: Date } & (
      | { ok: true }
      | { ok: false; error: string; retryAt: Date }
    ),
  ): Promise<void>;
}
