export { deliveryPipelinePlugin as default } from './plugin';
export { createStartupGate } from './startup';
