import { Knex } from 'knex';
import {
  ClosedPartition,
  DedupeStore,
  DeliveryRecord,
} from '../dedupe/DedupeStore';
import { PartitionKey } from '../partitions/PartitionKey';
import { PartitionRow, toKey, toMillis, whereKey } from './partitionRows';

/**
 * {@link DedupeStore} on the plugin's database (SQLite or PostgreSQL),
 * migrated by migrateDatabase.
 */
export class DatabaseDedupeStore implements DedupeStore {
  constructor(private readonly db: Knex) {}

  async claimClosed(options: {
    owner: string;
    leaseMs: number;
    now: Date;
    limit: number;
  }): Promise<ClosedPartition[]> {
    const now = options.now.getTime();
    const free = (query: Knex.QueryBuilder) =>
      query
        .whereNull('delivery_lease_expires_at')
        .orWhere('delivery_lease_expires_at', '<', now);
    const candidates: Pick<
      PartitionRow,
      'event_type' | 'start' | 'end' | 'closed_at'
    >[] = await this.db('partitions as p')
      .where('p.state', 'closed')
      .where(free)
      .whereNotExists(function earlierUndelivered() {
        this.select(1)
          .from('partitions as e')
          .whereRaw('?? = ??', ['e.event_type', 'p.event_type'])
          .whereRaw('?? < ??', ['e.start', 'p.start'])
          .whereIn('e.state', ['open', 'closed']);
      })
      .orderBy([{ column: 'p.end' }, { column: 'p.event_type' }])
      .limit(options.limit)
      .select('p.event_type', 'p.start', 'p.end', 'p.closed_at');
    const claimed: ClosedPartition[] = [];
    for (const row of candidates) {
      // Conditional on still being free: of racing replicas, one wins.
      const changed = await this.db('partitions')
        .where({
          event_type: row.event_type,
          start: row.start,
          state: 'closed',
        })
        .where(free)
        .update({
          delivery_owner: options.owner,
          delivery_lease_expires_at: now + options.leaseMs,
          delivery_attempts: this.db.raw('delivery_attempts + 1'),
        });
      if (changed > 0) {
        claimed.push({
          ...toKey(row),
          closedAt: new Date(toMillis(row.closed_at!)),
        });
      }
    }
    return claimed;
  }

  async renewDelivery(
    partition: PartitionKey,
    options: { owner: string; leaseMs: number; now: Date },
  ): Promise<boolean> {
    const changed = await this.db('partitions')
      .where({
        ...whereKey(partition),
        state: 'closed',
        delivery_owner: options.owner,
      })
      .update({
        delivery_lease_expires_at: options.now.getTime() + options.leaseMs,
      });
    return changed > 0;
  }

  async releaseDelivery(partition: PartitionKey, owner: string): Promise<void> {
    await this.db('partitions')
      .where({ ...whereKey(partition), delivery_owner: owner })
      .update({ delivery_owner: null, delivery_lease_expires_at: null });
  }

  async listRawFiles(partition: PartitionKey): Promise<string[]> {
    const rows: { path: string }[] = await this.db('raw_files')
      .where({
        event_type: partition.eventType,
        partition_start: new Date(partition.start),
      })
      .orderBy([{ column: 'written_at' }, { column: 'path' }])
      .select('path');
    return rows.map(row => row.path);
  }

  async listDelivered(
    eventType: string,
    from: Date,
    to: Date,
  ): Promise<Array<{ start: number; end: number }>> {
    const rows: Pick<PartitionRow, 'start' | 'end'>[] = await this.db(
      'partitions',
    )
      .where({ event_type: eventType, state: 'delivered' })
      .where('start', '>=', from)
      .where('start', '<', to)
      .orderBy('start')
      .select('start', 'end');
    return rows.map(row => ({
      start: toMillis(row.start),
      end: toMillis(row.end),
    }));
  }

  async recordDelivery(
    partition: PartitionKey,
    record: DeliveryRecord,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const [{ invalid }] = await tx('failed_events')
        .where('event_type', partition.eventType)
        .where('received_at', '>=', new Date(partition.start))
        .where('received_at', '<', new Date(partition.end))
        .count({ invalid: '*' });
      const changed = await tx('partitions')
        .where({ ...whereKey(partition), state: 'closed' })
        .update({
          state: 'delivered',
          delivery_owner: null,
          delivery_lease_expires_at: null,
          delivered_at: record.deliveredAt,
          delivered: record.delivered,
          duplicates: record.duplicates,
          conflicts: record.conflicts,
          invalid: Number(invalid),
          client_delay_p50_ms: record.clientDelayMs?.p50 ?? null,
          client_delay_p95_ms: record.clientDelayMs?.p95 ?? null,
          client_delay_max_ms: record.clientDelayMs?.max ?? null,
        });
      if (changed === 0) {
        return false;
      }
      if (record.exporters.length > 0) {
        await tx('partition_exports')
          .insert(
            record.exporters.map(exporter => ({
              event_type: partition.eventType,
              partition_start: new Date(partition.start),
              exporter,
              attempts: 0,
              next_attempt_at: record.deliveredAt,
            })),
          )
          .onConflict(['event_type', 'partition_start', 'exporter'])
          .ignore();
      }
      return true;
    });
  }
}
