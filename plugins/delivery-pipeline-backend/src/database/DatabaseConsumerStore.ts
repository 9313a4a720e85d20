import { Knex } from 'knex';
import { ConsumerStore, RawFile } from '../consumer/ConsumerStore';
import { NewPartitionRow } from './partitionRows';

/**
 * {@link ConsumerStore} on the plugin's database (SQLite or PostgreSQL),
 * migrated by migrateDatabase.
 */
export class DatabaseConsumerStore implements ConsumerStore {
  constructor(private readonly db: Knex) {}

  async recordRawFiles(files: RawFile[], writtenAt: Date): Promise<void> {
    if (files.length === 0) {
      return;
    }
    // PostgreSQL refuses an upsert that touches one row twice: sum per
    // partition first.
    const partitions = new Map<string, NewPartitionRow>();
    for (const file of files) {
      const key = `${file.eventType}\u0000${file.partitionStart}`;
      const row = partitions.get(key) ?? {
        event_type: file.eventType,
        start: new Date(file.partitionStart),
        end: new Date(file.partitionEnd),
        state: 'open',
        received: 0,
        bytes: 0,
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
}
