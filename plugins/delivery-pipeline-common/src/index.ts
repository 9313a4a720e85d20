/**
 * Types, permissions and an API client of the delivery pipeline's HTTP API.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
export * from './personalData';
export { DeliveryPipelineClient } from './DeliveryPipelineClient';
export * from './catalog';
export * from './partitionTime';
export * from './partitionLayout';
export * from './signals';
