/**
 * Conformance suites for adapters of the delivery pipeline: each registers
 * the jest tests that every `EventTransport`, `PartitionStorage` or
 * `PartitionExporter` must pass. Import them from test files only; they use
 * jest's globals when called.
 *
 * @packageDocumentation
 */
export {
  batch,
  describeTransportConformance,
  event,
  lines,
} from './transportConformance';
export type {
  TransportConformanceBounds,
  TransportConformanceOptions,
  TransportHarness,
} from './transportConformance';
export { describeStorageConformance } from './storageConformance';
export type { StorageConformanceOptions } from './storageConformance';
export {
  describeExporterConformance,
  writeDeliveredPartition,
} from './exporterConformance';
export type {
  ExporterConformanceOptions,
  ExporterHarness,
} from './exporterConformance';
// The contracts the suites test, so an adapter's test imports everything it
// needs from one entry point.
export * from '../transport';
export * from '../storage';
export * from '../exporter';
