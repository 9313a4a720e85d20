/**
 * For backend plugins and modules that read the schema registry: its HTTP
 * client, which calls it as the caller's own service identity.
 *
 * @packageDocumentation
 */
export { HttpEventTypeReader } from './HttpEventTypeReader';
