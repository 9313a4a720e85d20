/**
 * The schema registry in the portal's search: every event type, found by
 * its name, title, description, owner, tags and the fields of its schema.
 *
 * @packageDocumentation
 */
export { searchModuleEventSchemasCollator as default } from './module';
export { searchModuleEventSchemasCollator } from './module';
export { EventTypeCollatorFactory } from './EventTypeCollatorFactory';
