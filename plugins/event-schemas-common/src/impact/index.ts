export {
  compatibilityImpact,
  parseFieldsRead,
  problemAffects,
} from './consumerImpact';
export type {
  CompatibilityImpact,
  CompatibilityProblemImpact,
  EventTypeConsumer,
} from './consumerImpact';
