/**
 * Demo traffic for a local portal: realistic events of the demo event
 * types, sent through the delivery pipeline's ingest as an in-process
 * producer.
 *
 * @packageDocumentation
 */
export { deliveryPipelineModuleDemoTraffic as default } from './module';
export { deliveryPipelineModuleDemoTraffic } from './module';
export { readDemoTrafficConfig, type DemoTrafficConfig } from './config';
export { DEMO_TRAFFIC_PRODUCER, DemoTraffic } from './DemoTraffic';
export {
  DEFAULT_DEMO_EVENT_RATES,
  DemoEventGenerator,
  sampleClientDelayMs,
  type DemoEvent,
  type DemoEventKind,
  type DemoEventRates,
  type GeneratedEvent,
} from './DemoEventGenerator';
export { seededRandom, type RandomSource } from './random';
