export { EventSchemasPage } from './EventSchemasPage';
