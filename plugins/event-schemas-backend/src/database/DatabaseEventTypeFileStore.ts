import { EventTypeManagedBy } from '@data-collection/plugin-event-schemas-common';
import { Knex } from 'knex';
import { EventTypeFileStore, StoredSyncResult } from './EventTypeFileStore';

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
    return row?.etag;
  }

  async setSourceEtag(options: {
    entityRef: string;
    etag: string;
  }): Promise<void> {
    await this.db('event_type_file_sources')
      .insert({
        entity_ref: options.entityRef,
        etag: options.etag,
        synced_at: new Date(),
      })
      .onConflict('entity_ref')
      .merge(['etag', 'synced_at']);
  }

  async deleteSourceEtag(entityRef: string): Promise<void> {
    await this.db('event_type_file_sources')
      .where({ entity_ref: entityRef })
      .delete();
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
