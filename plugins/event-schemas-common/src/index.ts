/**
 * Types, permissions and logic shared by the event-schemas frontend and
 * backend plugins; everything here runs in the browser and in Node.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
export * from './schema';
export * from './compatibility';
export * from './catalog';
export * from './events';
export * from './names';
export * from './cache';
export * from './search';
export * from './eventTypeFile';
export * from './personalData';
export * from './impact';
