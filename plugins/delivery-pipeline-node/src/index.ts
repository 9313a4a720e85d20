/**
 * Extension points of the delivery pipeline: the transport that carries
 * accepted events to the consumer, and the storage partitions are written to.
 *
 * @packageDocumentation
 */
export * from './transport';
export * from './storage';
export * from './exporter';
export * from './extensions';
