import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ForwardedError, NotFoundError } from '@backstage/errors';
import { Config } from '@backstage/config';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import {
  EventType,
  eventTypeEntityName,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import {
  EventTypeEntityProviderBase,
  EventTypeReader,
  resolveReferencesThrough,
} from '@data-collection/plugin-event-schemas-node';
import { eventTypeToApiEntity } from './apiEntity';

/**
 * The id of the catalog's scheduled task that runs
 * the provider's full sync (every event type, read anew).
 *
 * @public
 */
export const FULL_SYNC_TASK_ID = 'event-schemas-catalog-full-sync';

/** Latest-version reads in flight at once during a full sync. */
const READ_CONCURRENCY = 10;

/** Calls `fn` for every item, at most `limit` at a time, keeping the order. */
async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/**
 * Keeps one catalog `API` entity per event type of the schema registry: a
 * scheduled full sync, which also removes the entities of deleted types, and
 * delta updates as the registry announces changes.
 *
 * @public
 */
export class EventTypeEntityProvider extends EventTypeEntityProviderBase {
  readonly #eventTypes: Pick<
    EventTypeReader,
    'listEventTypes' | 'getEventType' | 'getLatestVersion' | 'getVersion'
  >;
  readonly #registryUrl: string;
  readonly #config: Config;

  constructor(options: {
    /** The schema registry. */
    eventTypes: Pick<
      EventTypeReader,
      'listEventTypes' | 'getEventType' | 'getLatestVersion' | 'getVersion'
    >;
    /** Base URL of the registry's HTTP API, for the entities' locations. */
    registryUrl: string;
    /** The root config, for the entities' links to the type's pages. */
    config: Config;
    logger: LoggerService;
    scheduler: SchedulerService;
    /** When to run the full sync. */
    schedule: SchedulerServiceTaskScheduleDefinition;
  }) {
    super({
      providerName: 'event-schemas',
      fullSyncTaskId: FULL_SYNC_TASK_ID,
      eventTypes: options.eventTypes,
      logger: options.logger,
      scheduler: options.scheduler,
      schedule: options.schedule,
    });
    this.#eventTypes = options.eventTypes;
    this.#registryUrl = options.registryUrl;
    this.#config = options.config;
  }

  /**
   * With each type's latest version, read a few at a time. Fails the full
   * sync as a whole when one type fails, even with a missing latest version
   * (a type deleted during the sync), so that only a type's absence from the
   * list ever removes its entity, never a failed or misrouted read.
   */
  protected async toEntities(
    eventTypes: EventType[],
  ): Promise<DeferredEntity[]> {
    return mapConcurrently(eventTypes, READ_CONCURRENCY, async eventType => {
      try {
        const version = await this.#eventTypes.getLatestVersion(eventType.name);
        if (!version) {
          throw new NotFoundError('no latest version');
        }
        return this.#toDeferredEntity(
          eventType,
          await this.#resolved(eventType, version),
        );
      } catch (error) {
        throw new ForwardedError(
          `Failed to sync event type ${eventType.name}`,
          error,
        );
      }
    });
  }

  /**
   * Reads the type and its latest version at once; unlike in the full sync,
   * a missing version means the type is gone (nothing to upsert), not a
   * failure.
   */
  protected override async upsertedEntities(
    name: string,
  ): Promise<DeferredEntity[] | undefined> {
    const [eventType, version] = await Promise.all([
      this.#eventTypes.getEventType(name),
      this.#eventTypes.getLatestVersion(name),
    ]);
    if (!eventType || !version) {
      return undefined;
    }
    return [
      this.#toDeferredEntity(
        eventType,
        await this.#resolved(eventType, version),
      ),
    ];
  }

  /**
   * The version with the registered versions it references copied into its
   * schema, as the registry validates with it: the AsyncAPI document is then
   * self-contained, and no viewer fetches a registry URL (which would need
   * credentials) to render it.
   */
  async #resolved(
    eventType: EventType,
    version: EventTypeVersion,
  ): Promise<EventTypeVersion> {
    const schema = await resolveReferencesThrough({
      eventTypes: this.#eventTypes,
      format: eventType.format,
      schema: version.schema,
    });
    return schema === version.schema ? version : { ...version, schema };
  }

  protected entityRef(name: string): string {
    return stringifyEntityRef({
      kind: 'API',
      namespace: DEFAULT_NAMESPACE,
      name: eventTypeEntityName(name),
    });
  }

  #toDeferredEntity(
    eventType: EventType,
    version: EventTypeVersion,
  ): DeferredEntity {
    return {
      entity: eventTypeToApiEntity({
        eventType,
        version,
        registryUrl: this.#registryUrl,
        config: this.#config,
      }),
      locationKey: this.locationKey(eventType.name),
    };
  }
}
