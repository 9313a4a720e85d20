import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ServiceUnavailableError, toError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_FIELDS_READ,
  EventTypeConsumer,
  eventTypeEntityName,
  parseFieldsRead,
} from '@data-collection/plugin-event-schemas-common';

/** Where the consumers of a type come from: the catalog, in the plugin. */
export type ConsumerDirectory = {
  list(name: string): Promise<EventTypeConsumer[]>;
};

/**
 * Finds an event type's consumers in the catalog: the entities that list
 * the type's `API` entity in `spec.consumesApis`, with their owner and the
 * fields they read (`event-schemas/fields-read`). Asks with the plugin's
 * own credentials: who consumes a type is the type's business, not only
 * the caller's. Throws ServiceUnavailableError when the catalog does not
 * answer.
 */
export class EventTypeConsumers implements ConsumerDirectory {
  constructor(
    private readonly options: { catalog: CatalogService; auth: AuthService },
  ) {}

  async list(name: string): Promise<EventTypeConsumer[]> {
    const { catalog, auth } = this.options;
    const apiRef = stringifyEntityRef({
      kind: 'API',
      namespace: 'default',
      name: eventTypeEntityName(name),
    });
    const { items } = await catalog
      .getEntities(
        {
          filter: { 'relations.consumesApi': apiRef },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.title',
            'metadata.annotations',
            'spec.owner',
          ],
        },
        { credentials: await auth.getOwnServiceCredentials() },
      )
      .catch(error => {
        throw new ServiceUnavailableError(
          `Could not ask the catalog for the consumers of '${name}': ${
            toError(error).message
          }`,
        );
      });
    return items
      .map(toConsumer)
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  }
}

function toConsumer(entity: Entity): EventTypeConsumer {
  const owner = ownerRef(entity);
  const fieldsRead = parseFieldsRead(
    entity.metadata.annotations?.[ANNOTATION_FIELDS_READ],
  );
  return {
    entityRef: stringifyEntityRef(entity),
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    ...(owner ? { owner } : {}),
    ...(fieldsRead ? { fieldsRead } : {}),
  };
}

function ownerRef(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    // An invalid owner is the catalog's to report, not ours.
    return undefined;
  }
}
