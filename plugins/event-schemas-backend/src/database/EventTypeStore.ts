import {
  CompatibilityMode,
  CompatibilityScope,
  ConsumerCheck,
  Deprecation,
  EventType,
  EventTypeFormat,
  EventTypeList,
  EventTypeVersion,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { EventTypeQuery } from '../permissions/rules';

/** Filters of `GET /event-types`; all optional, combined with AND. */
export type EventTypeFilter = {
  owner?: string;
  /** Case-insensitive substring of the name, title or description. */
  text?: string;
  format?: EventTypeFormat;
  lifecycle?: string;
  /** Exact field name (last path segment) in the latest version. */
  field?: string;
  /**
   * The types the caller may read, when the permission policy answers with
   * conditions (e.g. IS_OWNER); absent when they may read every type.
   */
  readable?: PermissionCriteria<EventTypeQuery>;
};

/** What a new event type is registered with, besides its first schema. */
export type NewEventType = Omit<
  EventType,
  'latestVersion' | 'deprecation' | 'createdAt' | 'updatedAt'
>;

/** A schema about to be stored as a version, already checked and indexed. */
export type NewVersion = {
  schema: string;
  fingerprint: string;
  /** Every field (as `listFields` gives them), for the field-name filter. */
  fields: SchemaField[];
  createdBy: string;
  /** Set when it breaks the mode but was accepted under the CONSUMERS scope. */
  consumerCheck?: ConsumerCheck;
};

/** The metadata a PATCH may change. */
export type EventTypeChanges = Partial<{
  title: string | null;
  description: string | null;
  owner: string;
  lifecycle: string;
  tags: string[];
  compatibility: CompatibilityMode;
  compatibilityScope: CompatibilityScope;
  retention: { raw: string; delivered: string };
  sla: { maxLateness: string };
  personalDataFields: string[];
  /** `null` unsets it. */
  dataSubject: string | null;
  deprecation: Deprecation | null;
}>;

/** Where the registry keeps event types and their versions. */
export interface EventTypeStore {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;

  listEventTypes(options: {
    filter: EventTypeFilter;
    limit: number;
    cursor?: string;
  }): Promise<EventTypeList>;

  /** Undefined when there is no such type or it was deleted. */
  getEventType(name: string): Promise<EventType | undefined>;

  /** When the name was ever taken, deleted types included. */
  getDeletedAt(name: string): Promise<Date | undefined>;

  /**
   * Throws ConflictError when the name is taken, or when another type's name
   * (deleted types included) has the same eventTypeNameKey.
   */
  createEventType(options: {
    eventType: NewEventType;
    version: NewVersion;
  }): Promise<{ eventType: EventType; version: EventTypeVersion }>;

  updateEventType(options: {
    name: string;
    changes: EventTypeChanges;
  }): Promise<EventType>;

  /** Soft delete: the type disappears from reads, its name stays taken. */
  deleteEventType(options: { name: string }): Promise<void>;

  listVersions(name: string): Promise<EventTypeVersion[]>;

  getVersion(options: {
    name: string;
    version: number | 'latest';
  }): Promise<EventTypeVersion | undefined>;

  findVersionByFingerprint(options: {
    name: string;
    fingerprint: string;
  }): Promise<EventTypeVersion | undefined>;

  /**
   * Stores the next version after `afterVersion`. Throws ConflictError when
   * another version was registered meanwhile, so that the caller's
   * compatibility check, made against `afterVersion`, is never skipped.
   */
  addVersion(options: {
    name: string;
    afterVersion: number;
    version: NewVersion;
  }): Promise<EventTypeVersion>;

  setVersionDeprecation(options: {
    name: string;
    version: number;
    deprecation: Deprecation | null;
  }): Promise<EventTypeVersion>;
}
