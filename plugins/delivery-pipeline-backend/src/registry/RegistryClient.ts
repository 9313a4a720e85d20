import {
  EventType,
  EventTypeVersion,
} from '@internal/plugin-event-schemas-common';

/**
 * What the pipeline reads from the schema registry: in the plugin,
 * `HttpEventTypeReader` from `@internal/plugin-event-schemas-node`; in tests,
 * a fake.
 */
export interface RegistryClient {
  /** `undefined` when no such type is registered (or it was deleted). */
  getEventType(name: string): Promise<EventType | undefined>;
  /** `undefined` when the type or the version does not exist. */
  getVersion(
    name: string,
    version: number,
  ): Promise<EventTypeVersion | undefined>;
}
