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
 * A condition on event types as the store filters its lists with it: the
 * type's owner is one of `owners` (lowercase entity refs).
 */
export type EventTypeQuery = { owners: string[] };

/** Event types as a permission resource. */
export const eventTypePermissionResourceRef = createPermissionResourceRef<
  EventType,
  EventTypeQuery
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
  // Lists (the registry's, find-event-types) filter by it in the database.
  toQuery: ({ owners }) => ({
    owners: owners.map(owner => owner.toLocaleLowerCase('en-US')),
  }),
});

export const eventTypeRules = { isOwner: isOwnerRule };
