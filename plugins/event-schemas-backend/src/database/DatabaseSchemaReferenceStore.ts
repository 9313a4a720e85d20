import { SchemaReference } from '@data-collection/plugin-event-schemas-common';
import { Knex } from 'knex';
import { SchemaReferenceStore, SchemaReferrer } from './SchemaReferenceStore';

const TABLE = 'event_type_version_references';
const TYPES_PER_QUERY = 500;

type ReferenceRow = {
  event_type: string;
  version: number;
  referenced_type: string;
  referenced_version: number;
};

type ReferrerRow = ReferenceRow & { latest_version: number | string };

function toReferrers(rows: ReferrerRow[]): SchemaReferrer[] {
  return rows.map(row => ({
    eventType: row.event_type,
    version: Number(row.version),
    referencedType: row.referenced_type,
    referencedVersion: Number(row.referenced_version),
    latest: Number(row.version) === Number(row.latest_version),
  }));
}

/**
 * Records a version's references, in the transaction that stores the
 * version, so that a version is never without them.
 */
export async function insertVersionReferences(options: {
  tx: Knex.Transaction;
  name: string;
  version: number;
  references: SchemaReference[];
}): Promise<void> {
  const { tx, name, version, references } = options;
  if (references.length === 0) {
    return;
  }
  await tx(TABLE).insert(
    references.map(reference => ({
      event_type: name,
      version,
      referenced_type: reference.eventType,
      referenced_version: reference.version,
    })),
  );
}

/**
 * {@link SchemaReferenceStore} on the registry's database; the table comes
 * with DatabaseEventTypeStore's migrations.
 */
export class DatabaseSchemaReferenceStore implements SchemaReferenceStore {
  constructor(private readonly db: Knex) {}

  async listReferrers(options: {
    eventType: string;
    version?: number;
  }): Promise<SchemaReferrer[]> {
    const query = this.referrersQuery().where(
      'r.referenced_type',
      options.eventType,
    );
    if (options.version !== undefined) {
      query.where('r.referenced_version', options.version);
    }
    return toReferrers(await query);
  }

  async listReferrersOfTypes(options: {
    eventTypes: string[];
  }): Promise<SchemaReferrer[]> {
    const referrers: SchemaReferrer[] = [];
    // Chunked: SQLite binds at most 999 parameters per statement.
    for (let i = 0; i < options.eventTypes.length; i += TYPES_PER_QUERY) {
      const chunk = options.eventTypes.slice(i, i + TYPES_PER_QUERY);
      referrers.push(
        ...toReferrers(
          await this.referrersQuery().whereIn('r.referenced_type', chunk),
        ),
      );
    }
    return referrers;
  }

  /** The references from versions of types not deleted, to other types. */
  private referrersQuery() {
    return this.db<ReferenceRow>(`${TABLE} as r`)
      .join('event_types as t', 't.name', 'r.event_type')
      .whereNull('t.deleted_at')
      .whereRaw('?? <> ??', ['r.event_type', 'r.referenced_type'])
      .orderBy(['r.event_type', 'r.version', 'r.referenced_version'])
      .select(
        'r.event_type',
        'r.version',
        'r.referenced_type',
        'r.referenced_version',
        't.latest_version',
      );
  }

  async listReferences(options: {
    eventType: string;
    version: number;
  }): Promise<SchemaReference[]> {
    const rows = (await this.db<ReferenceRow>(TABLE)
      .where({ event_type: options.eventType, version: options.version })
      .orderBy(['referenced_type', 'referenced_version'])) as ReferenceRow[];
    return rows.map(row => ({
      eventType: row.referenced_type,
      version: Number(row.referenced_version),
    }));
  }
}
