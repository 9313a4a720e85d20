import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  createConditionTransformer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  EventType,
  eventTypeReadPermission,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeQuery } from '../permissions/rules';

/**
 * Which event types a caller may read, for lists (`GET /event-types`,
 * find-event-types). Single types are decided by authorizeOnEventType with
 * `event-schemas.event-type.read`.
 */
export class ReadAuthorization {
  readonly #permissions: PermissionsService;
  readonly #toQuery: ReturnType<
    typeof createConditionTransformer<EventTypeQuery>
  >;

  constructor(options: {
    permissions: PermissionsService;
    /** The registry's rules on event types, as the permissions registry has them. */
    rules: PermissionRuleset<EventType, EventTypeQuery, 'event-type'>;
  }) {
    this.#permissions = options.permissions;
    this.#toQuery = createConditionTransformer(options.rules);
  }

  /**
   * Undefined when the caller may read every type; otherwise the policy's
   * conditions as the store filters by them. A refusal is the condition
   * nobody meets (no owners): the list is empty rather than a 403, as the
   * catalog's is.
   */
  async readableEventTypes(
    credentials: BackstageCredentials,
  ): Promise<PermissionCriteria<EventTypeQuery> | undefined> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: eventTypeReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return undefined;
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return this.#toQuery(decision.conditions);
    }
    return { owners: [] };
  }
}
