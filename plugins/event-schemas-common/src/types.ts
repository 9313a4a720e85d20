/** The schema languages an event type can be written in. */
export type EventTypeFormat = 'jsonschema' | 'avro';

/**
 * A registered event type as the registry lists it: its metadata and the
 * number of its latest schema version.
 */
export type EventTypeSummary = {
  /** The CloudEvents `type`, e.g. `com.example.playback.started`. */
  name: string;
  title?: string;
  description?: string;
  /** Catalog entity ref of the owning group, e.g. `group:default/playback`. */
  owner: string;
  lifecycle: string;
  format: EventTypeFormat;
  compatibility: string;
  /** Highest version number; absent only while the first is being written. */
  latestVersion?: number;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
};

/** Body of `GET /api/event-schemas/event-types`. */
export type EventTypeList = {
  items: EventTypeSummary[];
};
