import { EventType } from '@internal/plugin-event-schemas-common';

/** Where the registry keeps event types and their versions. */
export interface EventTypeStore {
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  listEventTypes(): Promise<EventType[]>;
}
