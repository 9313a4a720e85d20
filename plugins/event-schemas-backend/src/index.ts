/**
 * The schema registry backend (plugin id `event-schemas`), its catalog module
 * and its default permission policy module.
 *
 * @packageDocumentation
 */
export { eventSchemasPlugin as default } from './plugin';
export { catalogModuleEventTypes } from './module';
export {
  createEventSchemasPolicyModule,
  permissionModuleEventSchemasPolicy,
} from './policyModule';
export {
  EventSchemasPermissionPolicy,
  createEventTypeConditionalDecision,
  eventTypeConditions,
} from './permissions';
