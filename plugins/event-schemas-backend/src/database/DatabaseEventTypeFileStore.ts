import { EventTypeManagedBy } from '@data-collection/plugin-event-schemas-common';
import { Knex } from 'knex';
import {
  EventTypeFileSource,
  EventTypeFileSourceStatus,
  EventTypeFileStore,
  StoredFileOutcome,
  StoredSyncResult,
} from './EventTypeFileStore';

/**
 * {@link EventTypeFileStore} on the plugin's database; the tables are
 * created by DatabaseEventTypeStore's migrations, so create that first.
 */
export class DatabaseEventTypeFileStore implements EventTypeFileStore {
  constructor(private readonly db: Knex) {}

  async listManagedEventTypes(): Promise<
    Array<{ name: string; managedBy: EventTypeManagedBy }>
  > {
    const rows = await this.db('event_types')
      .whereNull('deleted_at')
      .whereNotNull('managed_by')
      .orderBy('name')
      .select('name', 'managed_by');
    return rows.map(row => ({
      name: row.name,
      managedBy: JSON.parse(row.managed_by),
    }));
  }

  async getManagedBy(name: string): Promise<EventTypeManagedBy | undefined> {
    const row = await this.db('event_types')
      .where({ name })
      .whereNull('deleted_at')
      .first('managed_by');
    return row?.managed_by ? JSON.parse(row.managed_by) : undefined;
  }

  async getLastSync(name: string): Promise<StoredSyncResult | undefined> {
    const row = await this.db('event_types')
      .where({ name })
      .whereNull('deleted_at')
      .first('last_sync');
    return row?.last_sync ? JSON.parse(row.last_sync) : undefined;
  }

  async setManagedBy(options: {
    name: string;
    managedBy: EventTypeManagedBy | null;
  }): Promise<void> {
    await this.db('event_types')
      .where({ name: options.name })
      .whereNull('deleted_at')
      .update({
        managed_by: options.managedBy && JSON.stringify(options.managedBy),
      });
  }

  async setLastSync(options: {
    name: string;
    lastSync: StoredSyncResult | null;
  }): Promise<void> {
    await this.db('event_types')
      .where({ name: options.name })
      .whereNull('deleted_at')
      .update({
        last_sync: options.lastSync && JSON.stringify(options.lastSync),
      });
  }

  async getSourceEtag(entityRef: string): Promise<string | undefined> {
    const row = await this.db('event_type_file_sources')
      .where({ entity_ref: entityRef })
      .first('etag');
    return row?.etag ?? undefined;
  }

  async recordSourceSync(options: {
    entityRef: string;
    location?: string;
    status: EventTypeFileSourceStatus;
    error?: string;
    etag?: string;
    files?: StoredFileOutcome[];
  }): Promise<void> {
    const { entityRef, files } = options;
    const now = new Date();
    await this.db.transaction(async tx => {
      const row: Record<string, unknown> = {
        entity_ref: entityRef,
        location: options.location ?? null,
        status: options.status,
        error: options.error ?? null,
        last_sync_at: now,
      };
      const merged = ['location', 'status', 'error', 'last_sync_at'];
      if (options.etag !== undefined) {
        row.etag = options.etag;
        row.synced_at = now;
        merged.push('etag', 'synced_at');
      } else {
        // Only for the insert: the tree has not been read yet.
        row.synced_at = now;
      }
      await tx('event_type_file_sources')
        .insert(row)
        .onConflict('entity_ref')
        .merge(merged);
      if (!files) return;
      await tx('event_type_file_outcomes')
        .where({ entity_ref: entityRef })
        .delete();
      // Chunks keep each insert under SQLite's bound on variables.
      for (let i = 0; i < files.length; i += 100) {
        await tx('event_type_file_outcomes').insert(
          files.slice(i, i + 100).map(file => ({
            entity_ref: entityRef,
            path: file.path,
            event_type: file.eventType ?? null,
            outcome: file.outcome,
            reasons: JSON.stringify(file.reasons ?? []),
            refusal_key: file.refusalKey ?? null,
            synced_at: now,
          })),
        );
      }
    });
  }

  async getRefusalKeys(entityRef: string): Promise<Map<string, string>> {
    const rows = await this.db('event_type_file_outcomes')
      .where({ entity_ref: entityRef })
      .whereNotNull('refusal_key')
      .select('path', 'refusal_key');
    return new Map(rows.map(row => [row.path, row.refusal_key]));
  }

  async listSources(): Promise<EventTypeFileSource[]> {
    const sources = await this.db('event_type_file_sources')
      .orderBy('entity_ref')
      .select('entity_ref', 'location', 'status', 'error', 'last_sync_at');
    const files = await this.db('event_type_file_outcomes')
      .orderBy(['entity_ref', 'path'])
      .select('entity_ref', 'path', 'event_type', 'outcome', 'reasons');
    const byRef = new Map<string, EventTypeFileSource>(
      sources.map(row => [
        row.entity_ref,
        {
          entityRef: row.entity_ref,
          ...(row.location ? { location: row.location } : {}),
          ...(row.last_sync_at
            ? { lastSyncAt: new Date(row.last_sync_at).toISOString() }
            : {}),
          ...(row.status ? { status: row.status } : {}),
          ...(row.error ? { error: row.error } : {}),
          files: [],
        },
      ]),
    );
    for (const row of files) {
      const reasons: string[] = JSON.parse(row.reasons);
      byRef.get(row.entity_ref)?.files.push({
        path: row.path,
        ...(row.event_type ? { eventType: row.event_type } : {}),
        outcome: row.outcome,
        ...(reasons.length > 0 ? { reasons } : {}),
      });
    }
    return [...byRef.values()];
  }

  async deleteSource(entityRef: string): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('event_type_file_outcomes')
        .where({ entity_ref: entityRef })
        .delete();
      await tx('event_type_file_sources')
        .where({ entity_ref: entityRef })
        .delete();
    });
  }
}

/** The managed-type fields of an `event_types` row, as the API shows them. */
export function managedFields(row: {
  managed_by?: string | null;
  last_sync?: string | null;
}): {
  managedBy?: EventTypeManagedBy;
  lastSync?: Omit<StoredSyncResult, 'refusedChangeKey'>;
} {
  if (!row.managed_by) return {};
  const managedBy = JSON.parse(row.managed_by);
  if (!row.last_sync) return { managedBy };
  const { refusedChangeKey: _key, ...lastSync } = JSON.parse(
    row.last_sync,
  ) as StoredSyncResult;
  return { managedBy, lastSync };
}
