import { EventTypeQuery } from '../permissions/rules';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  EventType,
  eventTypeCreatePermission,
  eventTypeUpdatePermission,
} from '@data-collection/plugin-event-schemas-common';
import { CreateEventTypeRequest } from './requests';

/**
 * Which group a principal may make the owner of an event type: registering
 * one, or changing its owner. The policy decides (the suite's: a user's own
 * groups, any for the admins); its conditions are applied here, to the type
 * as it would be, since the permission framework can only load types that
 * exist. Service principals are not limited by the framework.
 */
export class OwnershipAuthorization {
  readonly #permissions: PermissionsService;
  readonly #userInfo: UserInfoService;
  readonly #isAllowed: (
    decision: PolicyDecision,
    eventType: EventType | undefined,
  ) => boolean;

  constructor(options: {
    permissions: PermissionsService;
    userInfo: UserInfoService;
    /** The registry's rules on event types, as the permissions registry has them. */
    rules: PermissionRuleset<EventType, EventTypeQuery, 'event-type'>;
  }) {
    this.#permissions = options.permissions;
    this.#userInfo = options.userInfo;
    this.#isAllowed = createConditionAuthorizer(options.rules);
  }

  /** Throws `NotAllowedError` unless the caller may register this type. */
  async authorizeCreate(options: {
    credentials: BackstageCredentials;
    request: CreateEventTypeRequest;
  }): Promise<void> {
    const { credentials, request } = options;
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: eventTypeCreatePermission }],
      { credentials },
    );
    // The rules see the type as it would be registered; the registry fills
    // in its defaults and version afterwards.
    const wouldBe = { ...request, schema: undefined } as unknown as EventType;
    if (this.#isAllowed(decision, wouldBe)) return;
    throw new NotAllowedError(
      await this.#refusal({
        credentials,
        decision,
        owner: request.owner,
        what: 'register event types',
        to: 'for',
      }),
    );
  }

  /**
   * Throws `NotAllowedError` unless the caller may make `owner` the owner
   * of the type. That the caller may change the type as it is (so take it
   * from its group) is the update permission on the stored type, checked
   * before this.
   */
  async authorizeOwnerChange(options: {
    credentials: BackstageCredentials;
    eventType: EventType;
    owner: string;
  }): Promise<void> {
    const { credentials, eventType, owner } = options;
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: eventTypeUpdatePermission }],
      { credentials },
    );
    if (this.#isAllowed(decision, { ...eventType, owner })) return;
    throw new NotAllowedError(
      await this.#refusal({
        credentials,
        decision,
        owner,
        what: `hand event type '${eventType.name}'`,
        to: 'to',
      }),
    );
  }

  /** Why: the groups the user could have chosen, when the policy's condition refused. */
  async #refusal(options: {
    credentials: BackstageCredentials;
    decision: PolicyDecision;
    owner: string;
    what: string;
    to: 'for' | 'to';
  }): Promise<string> {
    const { credentials, decision, owner, what, to } = options;
    const principal = credentials.principal as Partial<BackstageUserPrincipal>;
    if (
      decision.result !== AuthorizeResult.CONDITIONAL ||
      principal.type !== 'user'
    ) {
      return `You are not allowed to ${what} ${to} '${owner}'`;
    }
    const { ownershipEntityRefs } = await this.#userInfo.getUserInfo(
      credentials,
    );
    const groups = ownershipEntityRefs.filter(ref =>
      ref.toLocaleLowerCase('en-US').startsWith('group:'),
    );
    return groups.length > 0
      ? `You may ${what} only ${to} groups you belong to (${groups.join(
          ', ',
        )}); '${owner}' is not one of them`
      : `You may ${what} only ${to} groups you belong to, and you belong to none; '${owner}' needs a member of it or a registry admin (eventSchemas.permissions.adminGroups)`;
  }
}
