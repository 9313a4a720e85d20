import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { EVENT_TYPE_RESOURCE_TYPE } from '@data-collection/plugin-event-schemas-common';
import { SchemaRegistry } from '../registry/SchemaRegistry';

/**
 * Throws unless the caller holds `permission` on the stored event type:
 * `NotFoundError` for an unknown name (for everyone, before any decision),
 * `NotAllowedError` when the policy refuses. The HTTP routes and the
 * actions both decide through here.
 */
export async function authorizeOnEventType(options: {
  registry: SchemaRegistry;
  permissions: PermissionsService;
  credentials: BackstageCredentials;
  permission: ResourcePermission<typeof EVENT_TYPE_RESOURCE_TYPE>;
  name: string;
}): Promise<void> {
  const { registry, permissions, credentials, permission, name } = options;
  // Load first: an unknown name is a 404 for everyone, not a 403.
  const eventType = await registry.getEventType(name);
  // The policy's conditions (IS_OWNER) are applied to the event type by
  // the permission framework, which loads it through permissionsRegistry.
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef: name }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    const { action } = permission.attributes;
    if (action === 'read') {
      throw new NotAllowedError(
        `The permission policy does not let you read event type '${name}'`,
      );
    }
    const who =
      action === 'delete'
        ? 'the registry admins'
        : `its owners (${eventType.owner}) and the registry admins`;
    throw new NotAllowedError(`Only ${who} may ${action} event type '${name}'`);
  }
}

/** Who did it, as the registry records it (`createdBy`, rate limits). */
export function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return `service:${principal.subject ?? 'unknown'}`;
}
