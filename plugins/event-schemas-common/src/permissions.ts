import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of the registry's event types, for conditional decisions. */
export const EVENT_TYPE_RESOURCE_TYPE = 'event-type';

/** Registering a new event type. Not a resource permission: it does not exist yet. */
export const eventTypeCreatePermission = createPermission({
  name: 'event-schemas.event-type.create',
  attributes: { action: 'create' },
});

/**
 * Changing an event type: its metadata, a new version, deprecation. The
 * default policy allows it to the type's owners and the admins.
 */
export const eventTypeUpdatePermission = createPermission({
  name: 'event-schemas.event-type.update',
  attributes: { action: 'update' },
  resourceType: EVENT_TYPE_RESOURCE_TYPE,
});

/** Deleting an event type. The default policy allows it to admins only. */
export const eventTypeDeletePermission = createPermission({
  name: 'event-schemas.event-type.delete',
  attributes: { action: 'delete' },
  resourceType: EVENT_TYPE_RESOURCE_TYPE,
});

/** Every permission of the registry, for the permission framework's listing. */
export const eventSchemasPermissions = [
  eventTypeCreatePermission,
  eventTypeUpdatePermission,
  eventTypeDeletePermission,
];
