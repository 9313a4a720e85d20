import { createConditionExports } from '@backstage/plugin-permission-node';
import { eventTypePermissionResourceRef, eventTypeRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: eventTypePermissionResourceRef,
  rules: eventTypeRules,
});

/**
 * Conditions on event types, for permission policies.
 *
 * @public
 */
export const eventTypeConditions = conditions;

/**
 * Builds a conditional decision on an event-type permission.
 *
 * @public
 */
export const createEventTypeConditionalDecision = createConditionalDecision;
