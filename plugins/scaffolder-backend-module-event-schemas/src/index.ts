/**
 * Scaffolder actions that register event types, and new schema versions of
 * them, in the event-schemas registry on behalf of the user running the
 * template.
 *
 * @packageDocumentation
 */
export { scaffolderModuleEventSchemas as default } from './module';
export {
  createRegisterEventTypeAction,
  createRegisterEventTypeVersionAction,
  REGISTER_EVENT_TYPE_ACTION_ID,
  REGISTER_EVENT_TYPE_VERSION_ACTION_ID,
} from './actions';
export { IncompatibleSchemaError } from './IncompatibleSchemaError';
export {
  RegistryClient,
  type NewEventTypeRequest,
  type RegisteredEventType,
} from './RegistryClient';
