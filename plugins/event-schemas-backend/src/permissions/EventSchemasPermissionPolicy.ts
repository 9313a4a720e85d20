import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  EVENT_TYPE_RESOURCE_TYPE,
  eventTypeCreatePermission,
  eventTypeDeletePermission,
  eventTypeReadPermission,
  eventTypeUpdatePermission,
} from '@data-collection/plugin-event-schemas-common';
import {
  dataSubjectErasePermission,
  eventTypeProducePermission,
  failedEventsReadPermission,
  partitionPreviewPermission,
  personalDataReadPermission,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  createEventTypeConditionalDecision,
  eventTypeConditions,
} from './conditions';

/** Allowed to the type's owners (a condition) and to the admins. */
const OWNERS_AND_ADMINS = [
  eventTypeCreatePermission,
  eventTypeUpdatePermission,
  eventTypeProducePermission,
  partitionPreviewPermission,
  failedEventsReadPermission,
  personalDataReadPermission,
];

/**
 * The suite's default policy, for its own permissions only:
 *
 * - registering an event type, changing it and producing its events: the
 *   members of its owner group (a condition on the user's ownership refs,
 *   which sign-in resolves from the catalog's membership relations) and the
 *   admin groups (`eventSchemas.permissions.adminGroups`);
 * - reading its data (failed events, partition previews, personal data in
 *   clear): the same;
 * - seeing an event type in other plugins (the portal's search): every
 *   signed-in user, as the registry's own API and pages show them every type;
 * - deleting types: the admins only;
 * - erasing data subjects: the admins and the privacy groups
 *   (`eventSchemas.permissions.privacyGroups`), who need not read any
 *   personal data to do it.
 *
 * Every other permission goes to `fallback`, the adopter's own policy.
 * Without one they are denied: installing the suite must not widen access
 * to the rest of the portal, so allowing other plugins' permissions is a
 * choice the adopter makes by passing a fallback.
 *
 * @public
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

    if (OWNERS_AND_ADMINS.some(p => isPermission(permission, p))) {
      if (isAdmin) return { result: AuthorizeResult.ALLOW };
      if (!user) return { result: AuthorizeResult.DENY };
      return createEventTypeConditionalDecision(
        permission as ResourcePermission<typeof EVENT_TYPE_RESOURCE_TYPE>,
        eventTypeConditions.isOwner({ owners: ownership }),
      );
    }
    if (isPermission(permission, eventTypeReadPermission)) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
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
      : { result: AuthorizeResult.DENY };
  }
}
