export { EventTypeLineage } from './EventTypeLineage';
