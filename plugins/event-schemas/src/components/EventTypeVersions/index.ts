export { EventTypeVersions } from './EventTypeVersions';
