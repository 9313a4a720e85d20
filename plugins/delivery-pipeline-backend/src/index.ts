export { deliveryPipelinePlugin as default } from './plugin';
export { catalogModuleDeliveredDatasets } from './catalog';
export { createStartupGate } from './startup';
