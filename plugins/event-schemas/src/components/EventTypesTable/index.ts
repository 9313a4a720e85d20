export { EventTypesTable } from './EventTypesTable';
