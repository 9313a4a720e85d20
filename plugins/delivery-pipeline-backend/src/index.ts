export { deliveryPipelinePlugin as default } from './plugin';
