/**
 * Types and permissions of the delivery pipeline's HTTP API.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
