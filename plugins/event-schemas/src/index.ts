export { eventSchemasPlugin as default } from './plugin';
