import { Knex } from 'knex';
import { Partition } from '../partitions/PartitionKey';
import { PartitionReadStore } from '../service/PartitionReadStore';
import { PartitionRow, toMillis, toPartition } from './partitionRows';

/**
 * {@link PartitionReadStore} on the plugin's database (SQLite or PostgreSQL),
 * migrated by migrateDatabase: the router's view of the partitions.
 */
export class DatabasePartitionReadStore implements PartitionReadStore {
  constructor(private readonly db: Knex) {}

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async listPartitions(filter: {
    eventType?: string;
    from?: Date;
    to?: Date;
    state?: Partition['state'];
    limit?: number;
  }): Promise<Partition[]> {
    const query = this.db<PartitionRow>('partitions').select('*');
    if (filter.eventType) query.where('event_type', filter.eventType);
    if (filter.from) query.where('end', '>', filter.from);
    if (filter.to) query.where('start', '<', filter.to);
    if (filter.state) query.where('state', filter.state);
    let rows: PartitionRow[];
    if (filter.limit !== undefined) {
      // The newest `limit`, then back to oldest first.
      rows = await query
        .orderBy([{ column: 'start', order: 'desc' }, { column: 'event_type' }])
        .limit(filter.limit);
      rows.sort(
        (a, b) =>
          a.event_type.localeCompare(b.event_type) ||
          toMillis(a.start) - toMillis(b.start),
      );
    } else {
      rows = await query.orderBy([
        { column: 'event_type' },
        { column: 'start' },
      ]);
    }
    return rows.map(toPartition);
  }
}
