export { eventSchemasApiRef } from './EventSchemasApi';
export type {
  EventSchemasApi,
  EventTypeChange,
  NewEventType,
  VersionRegistration,
} from './EventSchemasApi';
export { EventSchemasClient } from './EventSchemasClient';
export { deliveryPipelineApiRef } from './DeliveryPipelineApi';
export type { DeliveryPipelineApi } from './DeliveryPipelineApi';
