import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Deprecation,
  EventType,
  EventTypeList,
  EVENT_TYPE_NAME_LOOKUP_PATTERN,
  EventTypeVersion,
  eventTypeNameKey,
  eventTypeState,
} from '@data-collection/plugin-event-schemas-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { isDeepStrictEqual } from 'node:util';
import { EventTypeQuery } from '../permissions/rules';
import {
  DatabaseEventTypeFileStore,
  managedFields,
} from './DatabaseEventTypeFileStore';
import {
  EventTypeChanges,
  EventTypeFilter,
  EventTypeStore,
  NewEventType,
  NewVersion,
} from './EventTypeStore';
import { insertVersionReferences } from './DatabaseSchemaReferenceStore';

const migrationsDir = resolvePackagePath(
  '@data-collection/plugin-event-schemas-backend',
  'migrations',
);

type EventTypeRow = {
  name: string;
  /** eventTypeNameKey of the name; null only in rows older than the column. */
  name_key: string | null;
  title: string | null;
  description: string | null;
  owner: string;
  lifecycle: string;
  tags: string;
  format: EventType['format'];
  compatibility: EventType['compatibility'];
  compatibility_scope: NonNullable<EventType['compatibilityScope']>;
  retention_raw: string;
  retention_delivered: string;
  sla_max_lateness: string;
  personal_data_fields: string;
  data_subject: string | null;
  latest_version: number | string;
  deprecation: string | null;
  deleted_at: Date | string | number | null;
  /** JSON, see EventTypeFileStore. */
  managed_by?: string | null;
  last_sync?: string | null;
  created_by: string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
};

type VersionRow = {
  event_type: string;
  version: number | string;
  schema: string;
  fingerprint: string;
  deprecation: string | null;
  /** JSON ConsumerCheck; null unless accepted under the CONSUMERS scope. */
  consumer_check: string | null;
  created_by: string;
  created_at: Date | string | number;
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

  /** The store of managed types, on the same database. */
  fileStore(): DatabaseEventTypeFileStore {
    return new DatabaseEventTypeFileStore(this.db);
  }

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async listEventTypes(options: {
    filter: EventTypeFilter;
    limit: number;
    cursor?: string;
  }): Promise<EventTypeList> {
    const { filter, limit, cursor } = options;
    const query = this.db<EventTypeRow>('event_types').whereNull('deleted_at');
    if (filter.owner) query.where('owner', filter.owner);
    if (filter.format) query.where('format', filter.format);
    if (filter.lifecycle) query.where('lifecycle', filter.lifecycle);
    if (filter.text) {
      const like = `%${escapeLike(filter.text.toLocaleLowerCase('en-US'))}%`;
      query.where(inner =>
        inner
          .whereRaw(`lower(name) like ? escape '\\'`, [like])
          .orWhereRaw(`lower(coalesce(title, '')) like ? escape '\\'`, [like])
          .orWhereRaw(`lower(coalesce(description, '')) like ? escape '\\'`, [
            like,
          ]),
      );
    }
    if (filter.readable) {
      const readable = filter.readable;
      query.where(inner => whereCriteria(inner, readable));
    }
    if (filter.field) {
      query.whereIn(
        'name',
        this.db('event_type_fields')
          .select('event_type')
          .where('name', filter.field),
      );
    }

    const [{ count }] = await query.clone().count({ count: '*' });
    // Keyset pagination on the name: stable while types are added.
    const pageQuery = query
      .clone()
      .orderBy('name')
      .limit(limit + 1);
    if (cursor) pageQuery.where('name', '>', decodeCursor(cursor));
    const rows = (await pageQuery.select('*')) as EventTypeRow[];
    const hasMore = rows.length > limit;
    const items = rows.slice(0, limit).map(toEventType);
    return {
      items,
      totalItems: Number(count),
      nextCursor: hasMore
        ? encodeCursor(items[items.length - 1].name)
        : undefined,
    };
  }

  async getEventType(name: string): Promise<EventType | undefined> {
    const row = await this.db<EventTypeRow>('event_types')
      .where({ name })
      .whereNull('deleted_at')
      .first();
    return row ? toEventType(row) : undefined;
  }

  async getDeletedAt(name: string): Promise<Date | undefined> {
    const row = await this.db<EventTypeRow>('event_types')
      .where({ name })
      .whereNotNull('deleted_at')
      .first('deleted_at');
    return row?.deleted_at ? new Date(row.deleted_at) : undefined;
  }

  async createEventType(options: {
    eventType: NewEventType;
    version: NewVersion;
  }): Promise<{ eventType: EventType; version: EventTypeVersion }> {
    const { eventType: type, version } = options;
    const now = new Date();
    try {
      await this.db.transaction(async tx => {
        const nameKey = eventTypeNameKey(type.name);
        // Deleted types count: their data may still be in the folder or
        // table that the new name would share.
        const collision = await tx<EventTypeRow>('event_types')
          .where({ name_key: nameKey })
          .whereNot({ name: type.name })
          .first('name');
        if (collision) {
          throw new ConflictError(
            `Event type name '${type.name}' is too close to the existing type '${collision.name}': storage folders on case-insensitive filesystems and BigQuery table ids (where '.' becomes '_') would not tell them apart. Choose another name.`,
          );
        }
        await tx('event_types').insert({
          name: type.name,
          name_key: nameKey,
          title: type.title ?? null,
          description: type.description ?? null,
          owner: type.owner,
          lifecycle: type.lifecycle,
          tags: JSON.stringify(type.tags),
          format: type.format,
          compatibility: type.compatibility,
          compatibility_scope: type.compatibilityScope ?? 'ALL',
          retention_raw: type.retention.raw,
          retention_delivered: type.retention.delivered,
          sla_max_lateness: type.sla.maxLateness,
          personal_data_fields: JSON.stringify(type.personalDataFields),
          data_subject: type.dataSubject ?? null,
          latest_version: 1,
          deprecation: null,
          deleted_at: null,
          created_by: type.createdBy,
          created_at: now,
          updated_at: now,
        });
        await insertVersion({ tx, name: type.name, number: 1, version, now });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`Event type '${type.name}' already exists`);
      }
      throw error;
    }
    return {
      eventType: (await this.getEventType(type.name))!,
      version: (await this.getVersion({ name: type.name, version: 1 }))!,
    };
  }

  async updateEventType(options: {
    name: string;
    changes: EventTypeChanges;
  }): Promise<EventType> {
    const { name, changes } = options;
    const update: Partial<Record<keyof EventTypeRow, unknown>> = {
      updated_at: new Date(),
    };
    if (changes.title !== undefined) update.title = changes.title;
    if (changes.description !== undefined) {
      update.description = changes.description;
    }
    if (changes.owner !== undefined) update.owner = changes.owner;
    if (changes.lifecycle !== undefined) update.lifecycle = changes.lifecycle;
    if (changes.tags !== undefined) update.tags = JSON.stringify(changes.tags);
    if (changes.compatibility !== undefined) {
      update.compatibility = changes.compatibility;
    }
    if (changes.compatibilityScope !== undefined) {
      update.compatibility_scope = changes.compatibilityScope;
    }
    if (changes.retention !== undefined) {
      update.retention_raw = changes.retention.raw;
      update.retention_delivered = changes.retention.delivered;
    }
    if (changes.sla !== undefined) {
      update.sla_max_lateness = changes.sla.maxLateness;
    }
    if (changes.personalDataFields !== undefined) {
      update.personal_data_fields = JSON.stringify(changes.personalDataFields);
    }
    if (changes.dataSubject !== undefined) {
      update.data_subject = changes.dataSubject;
    }
    if (changes.deprecation !== undefined) {
      update.deprecation = changes.deprecation
        ? JSON.stringify(changes.deprecation)
        : null;
    }
    const updated = await this.db('event_types')
      .where({ name })
      .whereNull('deleted_at')
      .update(update);
    if (updated === 0) throw notFound(name);
    return (await this.getEventType(name))!;
  }

  async deleteEventType(options: { name: string }): Promise<void> {
    const now = new Date();
    const updated = await this.db('event_types')
      .where({ name: options.name })
      .whereNull('deleted_at')
      .update({ deleted_at: now, updated_at: now });
    if (updated === 0) throw notFound(options.name);
  }

  async listVersions(name: string): Promise<EventTypeVersion[]> {
    const rows = (await this.db<VersionRow>('event_type_versions')
      .where({ event_type: name })
      .orderBy('version')) as VersionRow[];
    return rows.map(toVersion);
  }

  async getVersion(options: {
    name: string;
    version: number | 'latest';
  }): Promise<EventTypeVersion | undefined> {
    const query = this.db<VersionRow>('event_type_versions').where({
      event_type: options.name,
    });
    if (options.version === 'latest') {
      query.orderBy('version', 'desc');
    } else {
      query.where({ version: options.version });
    }
    const row = (await query.first()) as VersionRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  async findVersionByFingerprint(options: {
    name: string;
    fingerprint: string;
  }): Promise<EventTypeVersion | undefined> {
    const row = (await this.db<VersionRow>('event_type_versions')
      .where({ event_type: options.name, fingerprint: options.fingerprint })
      .first()) as VersionRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  async addVersion(options: {
    name: string;
    afterVersion: number;
    version: NewVersion;
  }): Promise<EventTypeVersion> {
    const { name, afterVersion, version } = options;
    const number = afterVersion + 1;
    const now = new Date();
    try {
      await this.db.transaction(async tx => {
        // The conditional update is the lock: of two concurrent registrations
        // against the same latest version, only one moves it forward.
        const moved = await tx('event_types')
          .where({ name, latest_version: afterVersion })
          .whereNull('deleted_at')
          .update({ latest_version: number, updated_at: now });
        if (moved === 0) {
          throw new ConflictError(
            `Version ${number} of '${name}' was registered meanwhile; check compatibility against it and retry`,
          );
        }
        await insertVersion({ tx, name, number, version, now });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `Version ${number} of '${name}' was registered meanwhile; retry`,
        );
      }
      throw error;
    }
    return (await this.getVersion({ name, version: number }))!;
  }

  async setVersionDeprecation(options: {
    name: string;
    version: number;
    deprecation: Deprecation | null;
  }): Promise<EventTypeVersion> {
    const { name, version, deprecation } = options;
    const updated = await this.db('event_type_versions')
      .where({ event_type: name, version })
      .update({
        deprecation: deprecation ? JSON.stringify(deprecation) : null,
      });
    if (updated === 0) {
      throw new NotFoundError(`Event type '${name}' has no version ${version}`);
    }
    return (await this.getVersion({ name, version }))!;
  }

  async replaceDeprecation(options: {
    name: string;
    expected: Deprecation | undefined;
    deprecation: Deprecation | null;
  }): Promise<EventType | undefined> {
    const { name, expected, deprecation } = options;
    const row = await this.db<EventTypeRow>('event_types')
      .where({ name })
      .whereNull('deleted_at')
      .first('deprecation');
    if (!row) return undefined;
    const stored = row.deprecation ? JSON.parse(row.deprecation) : undefined;
    if (!isDeepStrictEqual(stored, expected)) return undefined;
    // The stored text is the version we compared: the update is conditional
    // on it, so a change in between makes it update nothing.
    const query = this.db('event_types')
      .where({ name })
      .whereNull('deleted_at');
    if (row.deprecation === null) query.whereNull('deprecation');
    else query.where({ deprecation: row.deprecation });
    const updated = await query.update({
      deprecation: deprecation ? JSON.stringify(deprecation) : null,
      updated_at: new Date(),
    });
    return updated === 0 ? undefined : this.getEventType(name);
  }

  async listDeprecatedEventTypes(): Promise<EventType[]> {
    const rows = (await this.db<EventTypeRow>('event_types')
      .whereNull('deleted_at')
      .whereNotNull('deprecation')
      .orderBy('name')) as EventTypeRow[];
    return rows.map(toEventType);
  }
}

async function insertVersion(options: {
  tx: Knex.Transaction;
  name: string;
  number: number;
  version: NewVersion;
  now: Date;
}) {
  const { tx, name, number, version, now } = options;
  await tx('event_type_versions').insert({
    event_type: name,
    version: number,
    schema: version.schema,
    fingerprint: version.fingerprint,
    deprecation: null,
    consumer_check: version.consumerCheck
      ? JSON.stringify(version.consumerCheck)
      : null,
    created_by: version.createdBy,
    created_at: now,
  });
  await insertVersionReferences({
    tx,
    name,
    version: number,
    references: version.references ?? [],
  });
  // Only the latest version's fields are searchable.
  await tx('event_type_fields').where({ event_type: name }).delete();
  for (let i = 0; i < version.fields.length; i += 200) {
    await tx('event_type_fields').insert(
      version.fields.slice(i, i + 200).map(({ path, name: field }) => ({
        event_type: name,
        path,
        name: field,
      })),
    );
  }
}

function toEventTypeFields(row: EventTypeRow): EventType {
  return {
    name: row.name,
    title: row.title ?? undefined,
    description: row.description ?? undefined,
    owner: row.owner,
    lifecycle: row.lifecycle,
    tags: JSON.parse(row.tags),
    format: row.format,
    compatibility: row.compatibility,
    compatibilityScope: row.compatibility_scope,
    retention: { raw: row.retention_raw, delivered: row.retention_delivered },
    sla: { maxLateness: row.sla_max_lateness },
    personalDataFields: JSON.parse(row.personal_data_fields),
    dataSubject: row.data_subject ?? undefined,
    latestVersion: Number(row.latest_version),
    deprecation: row.deprecation ? JSON.parse(row.deprecation) : undefined,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    ...managedFields(row),
  };
}

function toEventType(row: EventTypeRow): EventType {
  const eventType = toEventTypeFields(row);
  return { ...eventType, state: eventTypeState(eventType) };
}

function toVersion(row: VersionRow): EventTypeVersion {
  return {
    eventType: row.event_type,
    version: Number(row.version),
    schema: row.schema,
    fingerprint: row.fingerprint,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    deprecation: row.deprecation ? JSON.parse(row.deprecation) : undefined,
    ...(row.consumer_check
      ? { consumerCheck: JSON.parse(row.consumer_check) }
      : {}),
  };
}

function notFound(name: string) {
  return new NotFoundError(`No event type named '${name}'`);
}

// SQLite returns timestamps as epoch numbers or text, PostgreSQL as Date.
function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}

function encodeCursor(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

/** The name a cursor was made from; anything else is not a cursor of ours. */
function decodeCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (
    !EVENT_TYPE_NAME_LOOKUP_PATTERN.test(name) ||
    encodeCursor(name) !== cursor
  ) {
    throw new InputError(
      'Invalid cursor: pass the nextCursor of the previous page',
    );
  }
  return name;
}

/** A unique or primary key violation, on PostgreSQL or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  // PostgreSQL: unique_violation; SQLite: SQLITE_CONSTRAINT_PRIMARYKEY/UNIQUE.
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/**
 * A permission policy's conditions on event types as a where clause: allOf,
 * anyOf and not nest, each leaf an IS_OWNER condition's owners.
 */
function whereCriteria(
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<EventTypeQuery>,
): void {
  if ('allOf' in criteria) {
    for (const part of criteria.allOf) {
      query.andWhere(inner => whereCriteria(inner, part));
    }
  } else if ('anyOf' in criteria) {
    // An empty anyOf matches nothing, as the permission framework defines it.
    if (criteria.anyOf.length === 0) query.whereRaw('1 = 0');
    for (const part of criteria.anyOf) {
      query.orWhere(inner => whereCriteria(inner, part));
    }
  } else if ('not' in criteria) {
    query.whereNot(inner => whereCriteria(inner, criteria.not));
  } else if (criteria.owners.length === 0) {
    query.whereRaw('1 = 0');
  } else {
    query.whereIn('owner', criteria.owners);
  }
}
