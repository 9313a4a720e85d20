export { eventTypeEntityName } from './entityName';
export { eventTypeEntityTags } from './entityTags';
export * from './annotations';
