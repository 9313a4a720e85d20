export { eventSchemasApiRef } from './EventSchemasApi';
export type { EventSchemasApi } from './EventSchemasApi';
export { EventSchemasClient } from './EventSchemasClient';
