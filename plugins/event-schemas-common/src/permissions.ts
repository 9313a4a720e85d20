import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of the registry's event types, for conditional decisions.
 *
 * @public
 */
export const EVENT_TYPE_RESOURCE_TYPE = 'event-type';

/**
 * Registering a new event type. A resource permission on the event type as
 * it would be registered: the default policy answers with a condition (the
 * user belongs to the owner group) that the registry applies to the request
 * before anything is stored, since the type does not exist yet for the
 * permission framework to load.
 *
 * @public
 */
export const eventTypeCreatePermission = createPermission({
  name: 'event-schemas.event-type.create',
  attributes: { action: 'create' },
  resourceType: EVENT_TYPE_RESOURCE_TYPE,
});

/**
 * Changing an event type: its metadata, a new version, deprecation. The
 * default policy allows it to the type's owners and the admins. A change of
 * owner must be allowed on the type as it is and as it would be, so nobody
 * hands a type to, or takes it from, a group they are not in.
 *
 * @public
 */
export const eventTypeUpdatePermission = createPermission({
  name: 'event-schemas.event-type.update',
  attributes: { action: 'update' },
  resourceType: EVENT_TYPE_RESOURCE_TYPE,
});

/**
 * Deleting an event type. The default policy allows it to admins only.
 *
 * @public
 */
export const eventTypeDeletePermission = createPermission({
  name: 'event-schemas.event-type.delete',
  attributes: { action: 'delete' },
  resourceType: EVENT_TYPE_RESOURCE_TYPE,
});

/**
 * Reading an event type: its metadata, versions and schemas, a
 * compatibility check against it, validating an event with it, and seeing
 * it in lists and the portal's search. The default policy allows it to
 * every signed-in user; an adopter's policy may narrow it with a condition
 * (e.g. IS_OWNER), which the registry's lists apply in their query.
 *
 * @public
 */
export const eventTypeReadPermission = createPermission({
  name: 'event-schemas.event-type.read',
  attributes: { action: 'read' },
  resourceType: EVENT_TYPE_RESOURCE_TYPE,
});

/**
 * Every permission of the registry, for the permission framework's listing.
 *
 * @public
 */
export const eventSchemasPermissions = [
  eventTypeReadPermission,
  eventTypeCreatePermission,
  eventTypeUpdatePermission,
  eventTypeDeletePermission,
];
