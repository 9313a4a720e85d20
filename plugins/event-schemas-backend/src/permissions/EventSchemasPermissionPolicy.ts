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
 * delete types. Data subjects are erased by the admins and the privacy
 * groups (`eventSchemas.permissions.privacyGroups`), who need not read any
 * personal data to do it. Every other permission goes to `fallback`, which
 * allows by default, as Backstage's allow-all policy does.
 */
export class EventSchemasPermissionPolicy implements PermissionPolicy {
  static fromConfig(
    config: Config,
    options?: { fallback?: PermissionPolicy },
  ): EventSchemasPermissionPolicy {
    const groups = (key: string) =>
      config.getOptionalStringArray(`eventSchemas.permissions.${key}`) ?? [];
    return new EventSchemasPermissionPolicy({
      adminGroups: groups('adminGroups'),
      privacyGroups: groups('privacyGroups'),
      fallback: options?.fallback,
    });
  }

  private readonly adminGroups: Set<string>;
  private readonly privacyGroups: Set<string>;
  private readonly fallback?: PermissionPolicy;

  constructor(options: {
    adminGroups: string[];
    privacyGroups?: string[];
    fallback?: PermissionPolicy;
  }) {
    const refs = (list: string[]) =>
      new Set(list.map(ref => ref.toLocaleLowerCase('en-US')));
    this.adminGroups = refs(options.adminGroups);
    this.privacyGroups = refs(options.privacyGroups ?? []);
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
    if (isPermission(permission, eventTypeDeletePermission)) {
      return { result: isAdmin ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (isPermission(permission, dataSubjectErasePermission)) {
      const handlesPrivacy = ownership.some(ref => this.privacyGroups.has(ref));
      return {
        result:
          isAdmin || handlesPrivacy
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }
    return this.fallback
      ? this.fallback.handle(request, user)
      : { result: AuthorizeResult.ALLOW };
  }
}
