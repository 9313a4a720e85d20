/**
 * The catalog side of the schema registry: every event type becomes an `API`
 * entity with an AsyncAPI definition of its latest schema. The module reads
 * the registry through its HTTP API, as any other plugin would.
 *
 * @packageDocumentation
 */
export { catalogModuleEventTypes as default } from './module';
export { catalogModuleEventTypes } from './module';
export {
  ANNOTATION_EVENT_TYPE,
  ANNOTATION_EVENT_TYPE_DEPRECATED,
  ANNOTATION_EVENT_TYPE_FORMAT,
  ANNOTATION_EVENT_TYPE_LATEST_VERSION,
  eventTypeToApiEntity,
} from './apiEntity';
export { eventTypeAsyncApiDocument } from './asyncApiDocument';
export {
  EventTypeEntityProvider,
  FULL_SYNC_TASK_ID,
} from './EventTypeEntityProvider';
