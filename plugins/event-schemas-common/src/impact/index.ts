export {
  compatibilityImpact,
  parseFieldsRead,
  problemAffects,
} from './consumerImpact';
export type {
  CompatibilityCheck,
  CompatibilityImpact,
  CompatibilityProblemImpact,
  EventTypeConsumer,
} from './consumerImpact';
