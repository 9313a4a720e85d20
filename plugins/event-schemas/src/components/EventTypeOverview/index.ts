export { EventTypeOverview } from './EventTypeOverview';
