import { Knex } from 'knex';
import { CompletionStore } from '../completion/CompletionStore';
import { PartitionKey } from '../partitions/PartitionKey';
import { PartitionRow, toKey } from './partitionRows';

/**
 * {@link CompletionStore} on the plugin's database (SQLite or PostgreSQL),
 * migrated by migrateDatabase.
 */
export class DatabaseCompletionStore implements CompletionStore {
  constructor(private readonly db: Knex) {}

  async getConsumerProgress(transport: string): Promise<Date | undefined> {
    const row = await this.db('consumer_progress')
      .where({ transport })
      .first('watermark');
    return row ? new Date(row.watermark) : undefined;
  }

  async closePartitions(options: {
    now: Date;
    graceMs: number;
    watermark: Date;
  }): Promise<PartitionKey[]> {
    const deadline = new Date(
      Math.min(
        options.now.getTime() - options.graceMs,
        options.watermark.getTime(),
      ),
    );
    const candidates: Pick<PartitionRow, 'event_type' | 'start' | 'end'>[] =
      await this.db('partitions')
        .where('state', 'open')
        .where('end', '<=', deadline)
        .select('event_type', 'start', 'end');
    const closed: PartitionKey[] = [];
    for (const row of candidates) {
      // Conditional on still being open: of racing completionists, exactly
      // one records the close.
      const changed = await this.db('partitions')
        .where({ event_type: row.event_type, start: row.start, state: 'open' })
        .update({ state: 'closed', closed_at: options.now });
      if (changed > 0) {
        closed.push(toKey(row));
      }
    }
    return closed;
  }
}
