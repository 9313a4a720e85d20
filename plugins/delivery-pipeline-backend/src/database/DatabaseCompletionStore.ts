import { Knex } from 'knex';
import { CompletionStore } from '../completion/CompletionStore';
import { PartitionKey } from '../partitions/PartitionKey';
import {
  NewPartitionRow,
  PartitionRow,
  Timestamp,
  toKey,
  toMillis,
} from './partitionRows';

/** Windows opened per insert statement. */
const OPEN_CHUNK = 200;

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

  async getOpeningFloor(now: Date): Promise<Date> {
    await this.db('partition_opening_floor')
      .insert({ id: 1, floor: now })
      .onConflict('id')
      .ignore();
    const row = await this.db('partition_opening_floor')
      .where({ id: 1 })
      .first('floor');
    return new Date(row.floor);
  }

  async listOpenedUntil(): Promise<Map<string, number>> {
    const rows: Array<{ event_type: string; opened_until: Timestamp }> =
      await this.db('partition_openings').select('event_type', 'opened_until');
    return new Map(rows.map(r => [r.event_type, toMillis(r.opened_until)]));
  }

  async openPartitions(options: {
    eventType: string;
    windows: Array<{ start: number; end: number }>;
    openedUntil: number;
  }): Promise<number> {
    const { eventType, windows } = options;
    const openedUntil = new Date(options.openedUntil);
    const now = new Date();
    return this.db.transaction(async tx => {
      let opened = 0;
      // Chunks keep each statement well under SQLite's variable limit.
      for (let i = 0; i < windows.length; i += OPEN_CHUNK) {
        const rows: NewPartitionRow[] = windows
          .slice(i, i + OPEN_CHUNK)
          .map(w => ({
            event_type: eventType,
            start: new Date(w.start),
            end: new Date(w.end),
            state: 'open',
            received: 0,
            bytes: 0,
          }));
        // A window the consumer (or an earlier run) already opened keeps
        // its row: counts, state and all.
        const inserted = await tx('partitions')
          .insert(rows)
          .onConflict(['event_type', 'start'])
          .ignore()
          .returning('start');
        // Both databases return only the rows an ignoring insert added.
        opened += inserted.length;
      }
      await tx('partition_openings')
        .insert({
          event_type: eventType,
          opened_until: openedUntil,
          updated_at: now,
        })
        .onConflict('event_type')
        .merge({
          opened_until: tx.raw('CASE WHEN ?? > ?? THEN ?? ELSE ?? END', [
            'excluded.opened_until',
            'partition_openings.opened_until',
            'excluded.opened_until',
            'partition_openings.opened_until',
          ]),
          updated_at: now,
        });
      return opened;
    });
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
