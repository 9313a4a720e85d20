import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  eventTypeCreatePermission,
  eventTypeDeletePermission,
  eventTypeUpdatePermission,
} from '@internal/plugin-event-schemas-common';
import {
  dataSubjectErasePermission,
  personalDataReadPermission,
} from '@internal/plugin-delivery-pipeline-common';
import {
  createEventTypeConditionalDecision,
  eventTypeConditions,
} from './conditions';

/**
 * The suite's default policy: anyone signed in registers event types,
 * owners change their own and read their personal data in clear, the admin
 * groups (`eventSchemas.permissions.adminGroups`) do anything, and only they
 * delete types and erase data subjects. Every other permission goes to
 * `fallback`, which allows by default, as Backstage's allow-all policy does.
 */
export class EventSchemasPermissionPolicy implements PermissionPolicy {
  static fromConfig(
    config: Config,
    options?: { fallback?: PermissionPolicy },
  ): EventSchemasPermissionPolicy {
    const adminGroups =
      config.getOptionalStringArray('eventSchemas.permissions.adminGroups') ??
      [];
    return new EventSchemasPermissionPolicy({
      adminGroups,
      fallback: options?.fallback,
    });
  }

  private readonly adminGroups: Set<string>;
  private readonly fallback?: PermissionPolicy;

  constructor(options: { adminGroups: string[]; fallback?: PermissionPolicy }) {
    this.adminGroups = new Set(
      options.adminGroups.map(ref => ref.toLocaleLowerCase('en-US')),
    );
    this.fallback = options.fallback;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const ownership = (user?.info.ownershipEntityRefs ?? []).map(ref =>
      ref.toLocaleLowerCase('en-US'),
    );
    const isAdmin = ownership.some(ref => this.adminGroups.has(ref));

    if (isPermission(permission, eventTypeCreatePermission)) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (
      isPermission(permission, eventTypeUpdatePermission) ||
      isPermission(permission, personalDataReadPermission)
    ) {
      if (isAdmin) return { result: AuthorizeResult.ALLOW };
      return createEventTypeConditionalDecision(
        permission,
        eventTypeConditions.isOwner({ owners: ownership }),
      );
    }
    if (
      isPermission(permission, eventTypeDeletePermission) ||
      isPermission(permission, dataSubjectErasePermission)
    ) {
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return this.fallback
      ? this.fallback.handle(request, user)
      : { result: AuthorizeResult.ALLOW };
  }
}
