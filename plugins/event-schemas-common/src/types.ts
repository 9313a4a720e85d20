/**
 * The schema languages an event type can be written in.
 *
 * @public
 */
export const EVENT_TYPE_FORMATS = ['jsonschema', 'avro'] as const;
/** @public */
export type EventTypeFormat = (typeof EVENT_TYPE_FORMATS)[number];

/**
 * Compatibility modes, as Confluent Schema Registry defines them. BACKWARD:
 * every event valid under the previous version is valid under the new one
 * (consumers on the new schema read old data); FORWARD the reverse; FULL both.
 * `_TRANSITIVE` checks against every earlier version, not just the latest.
 *
 * @public
 */
export const COMPATIBILITY_MODES = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
/** @public */
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

/**
 * Whom a type's compatibility mode protects. `ALL` (the default): every
 * breaking change is refused. `CONSUMERS`: a change whose breaking problems
 * concern only fields that none of the type's consumers in the catalog
 * reads is accepted, and the version records that (`consumerCheck`).
 *
 * @public
 */
export const COMPATIBILITY_SCOPES = ['ALL', 'CONSUMERS'] as const;
/** @public */
export type CompatibilityScope = (typeof COMPATIBILITY_SCOPES)[number];

/**
 * Why and since when something should no longer be used.
 *
 * @public
 */
export type Deprecation = {
  reason: string;
  /** The event type (or, for a version, the version number) to use instead. */
  successor?: string;
  deprecatedAt: string;
  deprecatedBy: string;
  /**
   * When a deprecated event type is retired (ISO 8601). Required when a type
   * is deprecated; absent on versions and on types deprecated before sunset
   * dates existed, which stay deprecated until retired explicitly.
   */
  sunsetAt?: string;
  /** When the type was retired (ISO 8601): it refuses new events since. */
  retiredAt?: string;
  /** Who retired it: a user's entity ref, or the registry's sunset task. */
  retiredBy?: string;
};

/**
 * Where an event type is in its lifecycle: `active`, `deprecated` (still
 * accepted, with a successor and a sunset date) or `retired` (its events
 * are refused; final).
 *
 * @public
 */
export const EVENT_TYPE_STATES = ['active', 'deprecated', 'retired'] as const;
/** @public */
export type EventTypeState = (typeof EVENT_TYPE_STATES)[number];

/**
 * Where a managed event type's file is: the registry changes the type only
 * from that file (see the `event-schemas/event-types` annotation).
 *
 * @public
 */
export type EventTypeManagedBy = {
  /** The catalog entity whose annotation names the file's directory. */
  entityRef: string;
  /** The file's URL, for people to open and change it. */
  location: string;
  /** The file's path inside the annotated directory. */
  path: string;
};

/**
 * The outcome of the latest sync of a managed event type's file.
 *
 * @public
 */
export type EventTypeSyncResult = {
  /** ISO 8601. */
  syncedAt: string;
  /**
   * `applied`: the type is as its file says. `refused`: the file's latest
   * change was not registered, for `reasons`.
   */
  status: 'applied' | 'refused';
  /** Why the change was refused; empty when applied. */
  reasons: string[];
  /** The file the refused change is in. */
  location?: string;
};

/**
 * A registered event type: its metadata and its latest version number.
 *
 * @public
 */
export type EventType = {
  /** The CloudEvents `type`, e.g. `com.example.playback.started`. */
  name: string;
  title?: string;
  description?: string;
  /** Catalog entity ref of the owning group, e.g. `group:default/playback`. */
  owner: string;
  lifecycle: string;
  tags: string[];
  format: EventTypeFormat;
  compatibility: CompatibilityMode;
  /**
   * Whom the compatibility mode protects. The registry always says; absent
   * means `ALL`, as from a registry older than the setting.
   */
  compatibilityScope?: CompatibilityScope;
  /** How long partitions are kept, as ISO 8601 durations (e.g. `P30D`). */
  retention: { raw: string; delivered: string };
  /** Maximum lateness of an hourly partition, ISO 8601 (e.g. `PT4H`). */
  sla: { maxLateness: string };
  /**
   * Dotted paths of the fields that hold personal data, e.g. `user.email`;
   * array items add `[]` (`contacts[].email`). Ingest encrypts them with the
   * data subject's key before anything is stored. Includes `dataSubject`.
   */
  personalDataFields: string[];
  /**
   * Dotted path of the string field naming the person an event is about
   * (the data subject), e.g. `user_id`. Ingest replaces it with a stable
   * pseudonym and encrypts the personal fields with that person's key, so
   * erasing the person erases them everywhere. Set whenever
   * `personalDataFields` is not empty; not inside an array.
   */
  dataSubject?: string;
  latestVersion: number;
  deprecation?: Deprecation;
  /**
   * Derived from `deprecation`; the registry sets it on every type it
   * returns (see {@link eventTypeState} for types built elsewhere).
   */
  state?: EventTypeState;
  createdBy: string;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  /** Set when the type is managed from a file in its owners' repository. */
  managedBy?: EventTypeManagedBy;
  /** The latest sync of its file, for a managed type. */
  lastSync?: EventTypeSyncResult;
};

/**
 * One immutable schema version of an event type.
 *
 * @public
 */
export type EventTypeVersion = {
  eventType: string;
  /** Numbered from 1. */
  version: number;
  /** The schema text as registered. */
  schema: string;
  /** `sha256:` + hex digest of the schema's canonical form. */
  fingerprint: string;
  createdBy: string;
  createdAt: string;
  deprecation?: Deprecation;
  /**
   * Present when the version was accepted under the `CONSUMERS`
   * compatibility scope despite breaking problems.
   */
  consumerCheck?: ConsumerCheck;
};

/**
 * How a version that breaks the compatibility mode was accepted under the
 * `CONSUMERS` scope: its breaking problems, waived because none concerns a
 * field that a consumer reads, and the consumers it was checked against.
 *
 * @public
 */
export type ConsumerCheck = {
  /** The breaking problems waived. */
  problems: CompatibilityProblem[];
  /** The consumers at registration, with the fields each read then. */
  consumers: Array<{ entityRef: string; fieldsRead?: string[] }>;
};

/**
 * The outcome of a compatibility check: every reason it fails, in words.
 *
 * @public
 */
export type CompatibilityResult = {
  compatible: boolean;
  /** e.g. `/properties/price: type narrowed from number to integer`. */
  messages: string[];
  /**
   * The same reasons with the field each concerns, in the same order. The
   * registry may add notes to `messages` after them (which referenced
   * type's version moved), which are not problems of their own.
   */
  problems: CompatibilityProblem[];
};

/**
 * One reason a schema is not compatible, with the field it concerns.
 *
 * @public
 */
export type CompatibilityProblem = {
  /**
   * Dotted path of the field, as `listFields` names fields (`user.email`,
   * `contacts[].email`); `''` when the problem concerns the whole event.
   */
  field: string;
  /**
   * Short id of the rule: the JSON Schema keyword that changed (`maxLength`,
   * `required`, `additionalProperties`, ...) or what happened to the field
   * (`type`, `property-added`, `property-removed`, `field-added`,
   * `field-removed`, `enum-symbol`, `union-branch`, `name`, ...).
   */
  rule: string;
  /** The message, as in `messages`. */
  message: string;
  /** The earlier version compared with, when several were (`_TRANSITIVE`). */
  version?: number;
};

/**
 * A page of `GET /api/event-schemas/event-types`.
 *
 * @public
 */
export type EventTypeList = {
  items: EventType[];
  /** Total number of matches, across pages. */
  totalItems: number;
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
};
