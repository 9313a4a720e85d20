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

/** What the sync did with one file. */
export type EventTypeFileOutcome = {
  path: string;
  eventType?: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'refused';
  reasons?: string[];
};

/**
 * A file's outcome as stored: with the key of its refusal, so that the
 * source's owners are told about each refusal once.
 */
export type StoredFileOutcome = EventTypeFileOutcome & { refusalKey?: string };

/** How the latest sync of an annotated entity went. */
export type EventTypeFileSourceStatus = 'synced' | 'unchanged' | 'failed';

/** An annotated entity and its latest sync, file by file. */
export type EventTypeFileSource = {
  entityRef: string;
  /** The directory read, once the annotation resolved. */
  location?: string;
  /** ISO 8601; absent for a source synced before this was recorded. */
  lastSyncAt?: string;
  status?: EventTypeFileSourceStatus;
  /** Why the latest sync failed, when `failed`. */
  error?: string;
  /** The files of the tree at its latest read, by path. */
  files: EventTypeFileOutcome[];
};

/**
 * Which event types are managed from files, and what the sync last saw. The
 * sync (src/sync) owns the `managed_by` and `last_sync` columns of
 * `event_types` and the `event_type_file_sources` and
 * `event_type_file_outcomes` tables.
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

  /**
   * Records a sync of the entity. `etag` and `files` are those of a tree
   * read: absent when it was not (unchanged, failed), the stored ones stay.
   */
  recordSourceSync(options: {
    entityRef: string;
    location?: string;
    status: EventTypeFileSourceStatus;
    error?: string;
    etag?: string;
    files?: StoredFileOutcome[];
  }): Promise<void>;

  /** The refusal key of each refused file of the entity, by path. */
  getRefusalKeys(entityRef: string): Promise<Map<string, string>>;

  /** Every source synced at least once, by entity ref. */
  listSources(): Promise<EventTypeFileSource[]>;

  /** Forgets the source and its files, so that the next sync reads it again. */
  deleteSource(entityRef: string): Promise<void>;
}
