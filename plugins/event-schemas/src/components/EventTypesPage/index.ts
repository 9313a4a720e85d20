export { EventTypesPage } from './EventTypesPage';
