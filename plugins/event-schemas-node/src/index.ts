/**
 * For backend plugins and modules that read the schema registry: its HTTP
 * client, which calls it as the caller's own service identity, and what the
 * catalog modules that mirror its event types share: their schedule, the
 * skeleton of their entity providers and their subscription to changes.
 *
 * @packageDocumentation
 */
export { HttpEventTypeReader } from './HttpEventTypeReader';
export type { EventTypeReader } from './EventTypeReader';
export { resolveReferencesThrough } from './resolveReferences';
export { DEFAULT_SYNC_SCHEDULE, readSyncSchedule } from './readSyncSchedule';
export {
  EventTypeEntityProviderBase,
  eventTypeLocationKey,
  type EventTypeEntityProviderBaseOptions,
} from './EventTypeEntityProviderBase';
export { subscribeToEventTypeChanges } from './subscribeToEventTypeChanges';
export {
  DEFAULT_EVENT_TYPES_PATH,
  EVENT_TYPES_PATH_CONFIG_KEY,
  eventTypePagePath,
  eventTypePageUrl,
  readEventTypesPath,
  type EventTypePageTab,
} from './eventTypePages';
