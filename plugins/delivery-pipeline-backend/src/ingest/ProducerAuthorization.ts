import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { eventTypeProducePermission } from '@data-collection/plugin-delivery-pipeline-common';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { ProducerGrants } from './ProducerGrants';

/** Who sends a request to ingest, and what they may send. */
export interface Producer {
  /** As failed events and audit records name it: a user's entity ref, a service's subject. */
  readonly name: string;
  /**
   * Why each event may not be sent, `undefined` where it may, in the
   * events' order. Decides once per distinct event type, never per event.
   */
  refusals(
    events: ReadonlyArray<{ type: string; source?: string }>,
  ): Promise<Array<string | undefined>>;
}

/**
 * Who may produce which event types: users as the permission policy decides
 * (`delivery-pipeline.event-type.produce` on the type; the suite's policy:
 * members of its owner group and the admins), services as
 * `deliveryPipeline.ingest.producers` grants them.
 */
export class ProducerAuthorization {
  readonly #permissions: PermissionsService;
  readonly #grants: ProducerGrants;
  readonly #eventTypes: {
    getEventType(name: string): Promise<EventType | undefined>;
  };

  constructor(options: {
    permissions: PermissionsService;
    grants: ProducerGrants;
    /** The registry (cached): a user's refusal names the type's owner. */
    eventTypes: { getEventType(name: string): Promise<EventType | undefined> };
  }) {
    this.#permissions = options.permissions;
    this.#grants = options.grants;
    this.#eventTypes = options.eventTypes;
  }

  /** The sender of a request. */
  producerOf(credentials: BackstageCredentials): Producer {
    const { principal } = credentials as BackstageCredentials<
      | { type: 'user'; userEntityRef: string }
      | { type: 'service'; subject: string }
    >;
    if (principal.type === 'service') {
      const grants = this.#grants;
      return {
        name: principal.subject,
        refusals: async events =>
          events.map(event => grants.check(principal.subject, event)),
      };
    }
    return {
      name: principal.userEntityRef,
      refusals: events => this.#userRefusals(credentials, events),
    };
  }

  /** One policy request for all the distinct types of a request. */
  async #userRefusals(
    credentials: BackstageCredentials,
    events: ReadonlyArray<{ type: string; source?: string }>,
  ): Promise<Array<string | undefined>> {
    const user = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    // Types the registry does not know are left to its check ("unknown
    // event type"): there is no owner to decide on yet.
    const known: EventType[] = [];
    for (const name of new Set(events.map(event => event.type))) {
      const eventType = await this.#lookUp(name);
      if (eventType) known.push(eventType);
    }
    const decisions = known.length
      ? await this.#permissions.authorize(
          known.map(eventType => ({
            permission: eventTypeProducePermission,
            resourceRef: eventType.name,
          })),
          { credentials },
        )
      : [];
    const refusalByType = new Map<string, string>();
    known.forEach((eventType, i) => {
      if (decisions[i].result !== AuthorizeResult.ALLOW) {
        refusalByType.set(
          eventType.name,
          `User '${user}' may not produce events of type '${eventType.name}': only members of its owner group (${eventType.owner}) and the registry admins may`,
        );
      }
    });
    return events.map(event => refusalByType.get(event.type));
  }

  async #lookUp(name: string): Promise<EventType | undefined> {
    try {
      return await this.#eventTypes.getEventType(name);
    } catch (error) {
      throw new ServiceUnavailableError(
        `The schema registry could not be reached to check who may produce '${name}'; retry later`,
        error,
      );
    }
  }
}

/**
 * A producer inside the backend that needs no grant: an in-process producer
 * a module added (see InProcessProducers), such as the demo traffic;
 * installing the module is the grant.
 */
export function trustedProducer(name: string): Producer {
  return {
    name,
    refusals: async events => events.map(() => undefined),
  };
}
