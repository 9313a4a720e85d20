/**
 * The event-schemas frontend plugin: legacy frontend system exports. The new
 * frontend system plugin is at `@internal/plugin-event-schemas/alpha`.
 *
 * @packageDocumentation
 */
export { eventSchemasPlugin, EventSchemasPage } from './plugin';
export { eventSchemasApiRef, EventSchemasClient } from './api';
export type { EventSchemasApi } from './api';
