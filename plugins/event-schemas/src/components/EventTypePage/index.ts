export { EventTypePage } from './EventTypePage';
