import {
  EVENT_TYPE_RESOURCE_TYPE,
  EventType,
} from '@data-collection/plugin-event-schemas-common';
import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/**
 * Event types as a permission resource. The registry filters no lists by
 * permission, so the query type is never used.
 */
export const eventTypePermissionResourceRef = createPermissionResourceRef<
  EventType,
  never
>().with({
  pluginId: 'event-schemas',
  resourceType: EVENT_TYPE_RESOURCE_TYPE,
});

/**
 * True when the event type's owner is one of the given entity refs; policies
 * pass the user's ownership refs (the user and the groups they belong to).
 */
export const isOwnerRule = createPermissionRule({
  name: 'IS_OWNER',
  description:
    'Allow when the event type is owned by one of the given entity refs',
  resourceRef: eventTypePermissionResourceRef,
  paramsSchema: z.object({
    owners: z
      .array(z.string())
      .describe('Entity refs, e.g. the ownershipEntityRefs of the user'),
  }),
  apply: (eventType, { owners }) =>
    owners.some(owner => owner.toLocaleLowerCase('en-US') === eventType.owner),
  toQuery: () => {
    throw new Error('event-schemas does not filter queries by IS_OWNER');
  },
});

export const eventTypeRules = { isOwner: isOwnerRule };
