/**
 * The catalog side of the schema registry: every event type becomes an `API`
 * entity. The registry imports the events contract from here.
 */
export {
  ANNOTATION_EVENT_TYPE,
  ANNOTATION_EVENT_TYPE_DEPRECATED,
  ANNOTATION_EVENT_TYPE_FORMAT,
  ANNOTATION_EVENT_TYPE_LATEST_VERSION,
  eventTypeToApiEntity,
} from './apiEntity';
export { eventTypeAsyncApiDocument } from './asyncApiDocument';
export {
  eventTypeEntityName,
  EVENT_SCHEMAS_TOPIC,
  isEventTypeChangedPayload,
  type EventTypeChangedPayload,
} from '@data-collection/plugin-event-schemas-common';
export {
  EventTypeEntityProvider,
  FULL_SYNC_TASK_ID,
} from './EventTypeEntityProvider';
