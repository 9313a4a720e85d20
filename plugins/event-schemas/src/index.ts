/**
 * The event-schemas frontend plugin: register and evolve event types,
 * discover their datasets, watch their delivery. Legacy frontend system
 * exports; the new frontend system's are at `/alpha`.
 *
 * @packageDocumentation
 */
export {
  eventSchemasPlugin,
  EventSchemasPage,
  EntityEventTypeCard,
  EntityEventTypeContent,
  EntityDatasetCard,
  EntityDatasetContent,
  EventTypeSearchResultListItem,
} from './plugin';
export type { EventTypeSearchResultListItemProps } from './components/EventTypeSearchResultListItem';
export {
  isEventTypeEntity,
  isDatasetEntity,
} from './components/entity/filters';
export {
  eventSchemasApiRef,
  EventSchemasClient,
  deliveryPipelineApiRef,
} from './api';
export type {
  EventSchemasApi,
  DeliveryPipelineApi,
  NewEventType,
  EventTypeChange,
  VersionRegistration,
} from './api';
