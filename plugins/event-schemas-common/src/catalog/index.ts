export { eventTypeEntityName } from './entityName';
