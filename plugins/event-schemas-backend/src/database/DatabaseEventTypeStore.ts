import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { EventType } from '@internal/plugin-event-schemas-common';
import { EventTypeStore } from './EventTypeStore';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-event-schemas-backend',
  'migrations',
);

type EventTypeRow = {
  name: string;
  title: string | null;
  description: string | null;
  owner: string;
  lifecycle: string;
  format: 'jsonschema' | 'avro';
  compatibility: string;
  latest_version: number | string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

/** {@link EventTypeStore} on the plugin's own database (SQLite or PostgreSQL). */
export class DatabaseEventTypeStore implements EventTypeStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseEventTypeStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseEventTypeStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async listEventTypes(): Promise<EventType[]> {
    const rows = await this.db('event_types as t')
      .leftJoin('event_type_versions as v', 'v.event_type', 't.name')
      .groupBy('t.name')
      .select('t.*')
      .max({ latest_version: 'v.version' })
      .orderBy('t.name');
    return (rows as EventTypeRow[]).map(toSummary);
  }
}

function toSummary(row: EventTypeRow): EventType {
  return {
    name: row.name,
    title: row.title ?? undefined,
    description: row.description ?? undefined,
    owner: row.owner,
    lifecycle: row.lifecycle,
    format: row.format,
    compatibility: row.compatibility,
    latestVersion:
      row.latest_version === null ? undefined : Number(row.latest_version),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

// SQLite returns timestamps as text or epoch numbers, PostgreSQL as Date.
function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}
