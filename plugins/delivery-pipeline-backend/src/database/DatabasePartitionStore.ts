import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Partition, PartitionStore } from './PartitionStore';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-delivery-pipeline-backend',
  'migrations',
);

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

/** {@link PartitionStore} on the plugin's own database (SQLite or PostgreSQL). */
export class DatabasePartitionStore implements PartitionStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabasePartitionStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabasePartitionStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async ping(): Promise<void> {
    await this.db.raw('select 1');
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
