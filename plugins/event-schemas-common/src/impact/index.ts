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
export type { ReferrerImpact, ReferrerVerdict } from './referrerImpact';
