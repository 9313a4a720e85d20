import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ForwardedError, NotFoundError, toError } from '@backstage/errors';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  EventType,
  eventTypeEntityName,
  EventTypeVersion,
} from '@internal/plugin-event-schemas-common';
import { eventTypeToApiEntity } from './apiEntity';
import { EventTypeChangedPayload } from '@internal/plugin-event-schemas-common';

/**
 * Where the provider reads event types from.
 *
 * @public
 */
export interface EventTypeReader {
  /** Every event type, across all pages. */
  listEventTypes(): Promise<EventType[]>;
  /** One event type; `undefined` when there is none of that name. */
  getEventType(name: string): Promise<EventType | undefined>;
  /** The latest version; `undefined` when the type or its versions are gone. */
  getLatestVersion(name: string): Promise<EventTypeVersion | undefined>;
}

/**
 * The id of the catalog's scheduled task that runs
 * {@link EventTypeEntityProvider.fullSync}.
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
export class EventTypeEntityProvider implements EntityProvider {
  readonly #reader: EventTypeReader;
  readonly #registryUrl: string;
  readonly #appBaseUrl: string;
  readonly #logger: LoggerService;
  readonly #scheduler: SchedulerService;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  #connection?: EntityProviderConnection;

  constructor(options: {
    reader: EventTypeReader;
    /** Base URL of the registry's HTTP API, for the entities' locations. */
    registryUrl: string;
    /** The portal's `app.baseUrl`, for the entities' links to its pages. */
    appBaseUrl: string;
    logger: LoggerService;
    scheduler: SchedulerService;
    /** When to run the full sync. */
    schedule: SchedulerServiceTaskScheduleDefinition;
  }) {
    this.#reader = options.reader;
    this.#registryUrl = options.registryUrl;
    this.#appBaseUrl = options.appBaseUrl;
    this.#logger = options.logger;
    this.#scheduler = options.scheduler;
    this.#schedule = options.schedule;
  }

  getProviderName(): string {
    return 'event-schemas';
  }

  /**
   * Schedules the full sync here rather than at module start, so that it
   * never runs before the catalog has handed over the connection.
   */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#scheduler.scheduleTask({
      id: FULL_SYNC_TASK_ID,
      ...this.#schedule,
      fn: () => this.fullSync(),
    });
  }

  /**
   * Replaces all entities of this provider with those of the registry's
   * current event types. Fails as a whole when one type fails, even with a
   * missing latest version (a type deleted during the sync), so that only a
   * type's absence from the list ever removes its entity, never a failed or
   * misrouted read.
   */
  async fullSync(): Promise<void> {
    const connection = this.#requireConnection();
    const eventTypes = await this.#reader.listEventTypes();
    const entities = await mapConcurrently(
      eventTypes,
      READ_CONCURRENCY,
      async eventType => {
        try {
          const version = await this.#reader.getLatestVersion(eventType.name);
          if (!version) {
            throw new NotFoundError('no latest version');
          }
          return this.#toDeferredEntity(eventType, version);
        } catch (error) {
          throw new ForwardedError(
            `Failed to sync event type ${eventType.name}`,
            error,
          );
        }
      },
    );
    await connection.applyMutation({ type: 'full', entities });
    this.#logger.info(`Synced ${entities.length} event types to the catalog`);
  }

  /**
   * Applies one change announced by the registry. Errors are logged, not
   * thrown: the events service cannot do anything about them, and the next
   * full sync repairs whatever a lost change left behind.
   */
  async applyChange(change: EventTypeChangedPayload): Promise<void> {
    const { action, eventType: name } = change;
    try {
      const connection = this.#requireConnection();
      if (action === 'deleted') {
        await connection.applyMutation({
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef: this.#entityRef(name),
              locationKey: locationKey(name),
            },
          ],
        });
        return;
      }
      const [eventType, version] = await Promise.all([
        this.#reader.getEventType(name),
        this.#reader.getLatestVersion(name),
      ]);
      if (!eventType || !version) {
        // Deleted since; its `deleted` change takes care of the entity.
        this.#logger.info(
          `Event type ${name} was not found in the registry, nothing to upsert`,
        );
        return;
      }
      await connection.applyMutation({
        type: 'delta',
        added: [this.#toDeferredEntity(eventType, version)],
        removed: [],
      });
    } catch (error) {
      this.#logger.error(
        `Failed to apply change '${action}' of event type ${name} to the catalog; the next full sync will catch up`,
        toError(error),
      );
    }
  }

  #requireConnection(): EntityProviderConnection {
    if (!this.#connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    return this.#connection;
  }

  #entityRef(name: string): string {
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
        appBaseUrl: this.#appBaseUrl,
      }),
      locationKey: locationKey(eventType.name),
    };
  }
}

/**
 * Claims the entity for this provider: the catalog refuses to let another
 * provider or location overwrite an entity with a different location key.
 */
function locationKey(name: string): string {
  return `event-schemas:${name}`;
}
