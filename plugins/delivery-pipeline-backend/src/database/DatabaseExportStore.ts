import { Knex } from 'knex';
import { ExportStore, PendingExport } from '../export/ExportStore';
import { PartitionKey } from '../partitions/PartitionKey';
import { Timestamp, toKey } from './partitionRows';

/**
 * {@link ExportStore} on the plugin's database (SQLite or PostgreSQL),
 * migrated by migrateDatabase.
 */
export class DatabaseExportStore implements ExportStore {
  constructor(private readonly db: Knex) {}

  async claimPendingExports(options: {
    now: Date;
    leaseMs: number;
    limit: number;
  }): Promise<PendingExport[]> {
    const rows: Array<{
      event_type: string;
      start: Timestamp;
      end: Timestamp;
      exporter: string;
      attempts: number;
      next_attempt_at: Timestamp;
    }> = await this.db('partition_exports as e')
      .join('partitions as p', function joinPartition() {
        this.on('p.event_type', '=', 'e.event_type').andOn(
          'p.start',
          '=',
          'e.partition_start',
        );
      })
      .whereNull('e.exported_at')
      .where('p.state', 'delivered')
      .where('e.next_attempt_at', '<=', options.now)
      .orderBy('e.next_attempt_at')
      .limit(options.limit)
      .select(
        'e.event_type',
        'p.start',
        'p.end',
        'e.exporter',
        'e.attempts',
        'e.next_attempt_at',
      );
    const claimed: PendingExport[] = [];
    for (const row of rows) {
      // Pushing the next attempt past the lease claims it: of racing
      // replicas, the one whose update still sees the old value wins.
      const changed = await this.db('partition_exports')
        .where({
          event_type: row.event_type,
          partition_start: row.start,
          exporter: row.exporter,
          next_attempt_at: row.next_attempt_at,
        })
        .whereNull('exported_at')
        .update({
          next_attempt_at: new Date(options.now.getTime() + options.leaseMs),
        });
      if (changed > 0) {
        claimed.push({
          ...toKey(row),
          exporter: row.exporter,
          attempts: row.attempts,
        });
      }
    }
    return claimed;
  }

  async recordExport(
    partition: PartitionKey & { exporter: string },
    outcome: { at: Date } & (
      | { ok: true }
      | { ok: false; error: string; retryAt: Date }
    ),
  ): Promise<void> {
    await this.db('partition_exports')
      .where({
        event_type: partition.eventType,
        partition_start: new Date(partition.start),
        exporter: partition.exporter,
      })
      .update(
        outcome.ok
          ? {
              exported_at: outcome.at,
              last_error: null,
              attempts: this.db.raw('attempts + 1'),
            }
          : {
              last_error: outcome.error.slice(0, 4000),
              next_attempt_at: outcome.retryAt,
              attempts: this.db.raw('attempts + 1'),
            },
      );
  }
}
