export { EventSchemasPermissionPolicy } from './EventSchemasPermissionPolicy';
export {
  createEventTypeConditionalDecision,
  eventTypeConditions,
} from './conditions';
export {
  eventTypePermissionResourceRef,
  eventTypeRules,
  isOwnerRule,
} from './rules';
