/**
 * For backend plugins and modules that read the schema registry: its HTTP
 * client, which calls it as the caller's own service identity, and the
 * schedule of the catalog modules that mirror its event types.
 *
 * @packageDocumentation
 */
export { HttpEventTypeReader } from './HttpEventTypeReader';
export { readSyncSchedule } from './readSyncSchedule';
