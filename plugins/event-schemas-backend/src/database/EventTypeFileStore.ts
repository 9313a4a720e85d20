import {
  EventTypeManagedBy,
  EventTypeSyncResult,
} from '@data-collection/plugin-event-schemas-common';

/**
 * The latest sync of a managed type's file as stored: the result the API
 * shows, plus the key of the refused change, so that its owners are told
 * about each refused change once, not on every sync run.
 */
export type StoredSyncResult = EventTypeSyncResult & {
  refusedChangeKey?: string;
};

/**
 * Which event types are managed from files, and what the sync last saw. The
 * sync (src/sync) owns the `managed_by` and `last_sync` columns of
 * `event_types` and the `event_type_file_sources` table.
 */
export interface EventTypeFileStore {
  /** Every managed type, deleted ones excepted. */
  listManagedEventTypes(): Promise<
    Array<{ name: string; managedBy: EventTypeManagedBy }>
  >;

  getManagedBy(name: string): Promise<EventTypeManagedBy | undefined>;

  getLastSync(name: string): Promise<StoredSyncResult | undefined>;

  /** `null` releases the type: the API may change it again. */
  setManagedBy(options: {
    name: string;
    managedBy: EventTypeManagedBy | null;
  }): Promise<void>;

  setLastSync(options: {
    name: string;
    lastSync: StoredSyncResult | null;
  }): Promise<void>;

  /** The etag of the entity's file tree as last synced. */
  getSourceEtag(entityRef: string): Promise<string | undefined>;

  setSourceEtag(options: { entityRef: string; etag: string }): Promise<void>;

  /** Forgets the etag, so that the next sync reads the tree again. */
  deleteSourceEtag(entityRef: string): Promise<void>;
}
