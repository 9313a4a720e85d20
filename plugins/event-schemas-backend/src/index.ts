/**
 * The schema registry backend (plugin id `event-schemas`) and its default
 * permission policy module. Its catalog module is
 * `@data-collection/plugin-catalog-backend-module-event-schemas`.
 *
 * @packageDocumentation
 */
export { eventSchemasPlugin as default } from './plugin';
export {
  createEventSchemasPolicyModule,
  permissionModuleEventSchemasPolicy,
} from './policyModule';
export {
  EventSchemasPermissionPolicy,
  createEventTypeConditionalDecision,
  eventTypeConditions,
} from './permissions';
export type { EventTypeQuery } from './permissions/rules';
