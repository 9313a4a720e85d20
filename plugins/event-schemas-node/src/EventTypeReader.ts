import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';

/**
 * What other plugins read of the schema registry: its event types and their
 * versions. {@link HttpEventTypeReader} reads them over the registry's HTTP
 * API; tests pass a fake. A consumer that needs only some of the methods
 * asks for them with `Pick<EventTypeReader, ...>`, so its fakes stay small.
 *
 * @public
 */
export interface EventTypeReader {
  /** Every registered event type, across all pages. */
  listEventTypes(): Promise<EventType[]>;
  /** `undefined` when no such type is registered (or it was deleted). */
  getEventType(name: string): Promise<EventType | undefined>;
  /** `undefined` when the type or the version does not exist. */
  getVersion(
    name: string,
    version: number | 'latest',
  ): Promise<EventTypeVersion | undefined>;
  /** The latest version; `undefined` when the type or its versions are gone. */
  getLatestVersion(name: string): Promise<EventTypeVersion | undefined>;
}
