import { Knex } from 'knex';
import { Partition, PartitionStore, RawFile } from './PartitionStore';

type PartitionRow = {
  event_type: string;
  start: Date | string | number;
  end: Date | string | number;
  state: Partition['state'];
  received: number | string;
  bytes: number | string;
  closed_at: Date | string | number | null;
  delivered_at: Date | string | number | null;
};

/**
 * {@link PartitionStore} on the plugin's own database (SQLite or PostgreSQL),
 * migrated by migrateDatabase.
 */
export class DatabasePartitionStore implements PartitionStore {
  constructor(private readonly db: Knex) {}

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async recordRawFiles(files: RawFile[], writtenAt: Date): Promise<void> {
    if (files.length === 0) {
      return;
    }
    // PostgreSQL refuses an upsert that touches one row twice: sum per
    // partition first.
    const partitions = new Map<string, PartitionRow>();
    for (const file of files) {
      const key = `${file.eventType}\u0000${file.partitionStart}`;
      const row = partitions.get(key) ?? {
        event_type: file.eventType,
        start: new Date(file.partitionStart),
        end: new Date(file.partitionEnd),
        state: 'open',
        received: 0,
        bytes: 0,
        closed_at: null,
        delivered_at: null,
      };
      row.received = Number(row.received) + file.events;
      row.bytes = Number(row.bytes) + file.bytes;
      partitions.set(key, row);
    }
    await this.db.transaction(async tx => {
      await tx('raw_files').insert(
        files.map(file => ({
          path: file.path,
          event_type: file.eventType,
          partition_start: new Date(file.partitionStart),
          events: file.events,
          bytes: file.bytes,
          written_at: writtenAt,
        })),
      );
      await tx('partitions')
        .insert([...partitions.values()])
        .onConflict(['event_type', 'start'])
        .merge({
          received: tx.raw('?? + ??', [
            'partitions.received',
            'excluded.received',
          ]),
          bytes: tx.raw('?? + ??', ['partitions.bytes', 'excluded.bytes']),
        });
    });
  }

  async setConsumerProgress(transport: string, watermark: Date): Promise<void> {
    const now = new Date();
    await this.db('consumer_progress')
      .insert({ transport, watermark, updated_at: now })
      .onConflict('transport')
      .merge({
        // Replicas report concurrently; the highest watermark is the truth.
        watermark: this.db.raw('CASE WHEN ?? > ?? THEN ?? ELSE ?? END', [
          'excluded.watermark',
          'consumer_progress.watermark',
          'excluded.watermark',
          'consumer_progress.watermark',
        ]),
        updated_at: now,
      });
  }

  async getConsumerProgress(transport: string): Promise<Date | undefined> {
    const row = await this.db('consumer_progress')
      .where({ transport })
      .first('watermark');
    return row ? new Date(row.watermark) : undefined;
  }

  async listPartitions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
  }): Promise<Partition[]> {
    const query = this.db<PartitionRow>('partitions')
      .select('*')
      .orderBy([{ column: 'event_type' }, { column: 'start' }]);
    if (filter.eventType) query.where('event_type', filter.eventType);
    if (filter.from) query.where('end', '>', filter.from);
    if (filter.to) query.where('start', '<', filter.to);
    const rows: PartitionRow[] = await query;
    return rows.map(row => ({
      eventType: row.event_type,
      start: toIso(row.start),
      end: toIso(row.end),
      state: row.state,
      // bigint columns come back as strings from PostgreSQL
      counts: { received: Number(row.received), bytes: Number(row.bytes) },
      closedAt: row.closed_at === null ? undefined : toIso(row.closed_at),
      deliveredAt:
        row.delivered_at === null ? undefined : toIso(row.delivered_at),
    }));
  }
}

// SQLite returns timestamps as epoch numbers or text, PostgreSQL as Date.
function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}
