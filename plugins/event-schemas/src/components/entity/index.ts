export { EventTypeEntityCard } from './EventTypeEntityCard';
export { EventTypeEntityContent } from './EventTypeEntityContent';
export { DatasetEntityCard } from './DatasetEntityCard';
export { DatasetEntityContent } from './DatasetEntityContent';
