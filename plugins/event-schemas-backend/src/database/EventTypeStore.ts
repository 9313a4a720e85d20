/** A registered event type, as listed by the registry. */
export type EventTypeSummary = {
  name: string;
  title?: string;
  description?: string;
  owner: string;
  lifecycle: string;
  format: 'jsonschema' | 'avro';
  compatibility: string;
  /** Highest version number; undefined only while the first is being written. */
  latestVersion?: number;
  createdAt: string;
  updatedAt: string;
};

/** Where the registry keeps event types and their versions. */
export interface EventTypeStore {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  listEventTypes(): Promise<EventTypeSummary[]>;
}
