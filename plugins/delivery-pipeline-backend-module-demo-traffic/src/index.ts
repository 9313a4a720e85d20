/**
 * Demo traffic for a local portal: realistic events of the demo event
 * types, sent through the delivery pipeline's ingest as an in-process
 * producer.
 *
 * @packageDocumentation
 */
export { deliveryPipelineModuleDemoTraffic as default } from './module';
export { deliveryPipelineModuleDemoTraffic } from './module';
