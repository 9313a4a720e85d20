/**
 * Types and logic shared by the event-schemas frontend and backend plugins.
 *
 * @packageDocumentation
 */
export type { EventTypeFormat, EventTypeList, EventTypeSummary } from './types';
