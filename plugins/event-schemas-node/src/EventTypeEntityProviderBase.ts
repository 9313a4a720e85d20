import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ResponseError, toError } from '@backstage/errors';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  EventType,
  EventTypeChangedPayload,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeReader } from './EventTypeReader';

/**
 * Waits between the attempts of a full sync that finds the registry still
 * starting: about two and a half minutes in all, so that a portal's first
 * sync does not wait for the next scheduled one (30 minutes by default).
 */
const STARTING_RETRY_DELAYS_MS = [5_000, 10_000, 20_000, 40_000, 80_000];

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Whether the registry is still starting: Backstage answers 503 for a
 * plugin of the same backend that has not started yet, and a registry in
 * another backend may not be listening yet.
 */
function isStarting(error: unknown): boolean {
  if (error instanceof ResponseError) return error.statusCode === 503;
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return cause?.code === 'ECONNREFUSED';
}

/**
 * The location key of the entity that a provider makes of an event type.
 * It claims the entity for that provider: the catalog refuses to let another
 * provider or location overwrite an entity with a different location key.
 *
 * @public
 */
export function eventTypeLocationKey(
  providerName: string,
  eventTypeName: string,
): string {
  return `${providerName}:${eventTypeName}`;
}

/**
 * What an {@link EventTypeEntityProviderBase} is made of.
 *
 * @public
 */
export interface EventTypeEntityProviderBaseOptions {
  /** The provider's name, which also prefixes its location keys. */
  providerName: string;
  /** The id of the scheduled task that runs the full sync. */
  fullSyncTaskId: string;
  /** The schema registry (an `HttpEventTypeReader`), or a fake in tests. */
  eventTypes: Pick<EventTypeReader, 'listEventTypes' | 'getEventType'>;
  logger: LoggerService;
  scheduler: SchedulerService;
  /** When to run the full sync. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * What the logs call the entities, when they are not simply the catalog's
   * view of the event types: `plural` as in "Synced the BigQuery tables of 2
   * event types to the catalog", `singular` as in "no BigQuery table to
   * upsert" and "to its BigQuery table in the catalog". Without them: "Synced
   * 2 event types to the catalog", "nothing to upsert", "to the catalog".
   */
  entityWords?: { plural: string; singular: string };
}

/**
 * The skeleton of a catalog entity provider that makes entities of the
 * schema registry's event types: a scheduled full sync, which also removes
 * the entities of deleted types, and delta updates as the registry announces
 * changes (see {@link subscribeToEventTypeChanges}). A subclass says how
 * event types become entities and what the ref of a type's entity is.
 *
 * @public
 */
export abstract class EventTypeEntityProviderBase implements EntityProvider {
  protected readonly logger: LoggerService;
  readonly #providerName: string;
  readonly #fullSyncTaskId: string;
  readonly #eventTypes: Pick<
    EventTypeReader,
    'listEventTypes' | 'getEventType'
  >;
  readonly #scheduler: SchedulerService;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  readonly #entityWords?: { plural: string; singular: string };
  #connection?: EntityProviderConnection;

  protected constructor(options: EventTypeEntityProviderBaseOptions) {
    this.#providerName = options.providerName;
    this.#fullSyncTaskId = options.fullSyncTaskId;
    this.#eventTypes = options.eventTypes;
    this.logger = options.logger;
    this.#scheduler = options.scheduler;
    this.#schedule = options.schedule;
    this.#entityWords = options.entityWords;
  }

  /**
   * The entities of the given event types, each claimed with
   * {@link EventTypeEntityProviderBase.locationKey} of its type's name (which
   * the removal of a deleted type uses too). Throwing fails the full sync
   * as a whole, so that nothing is applied.
   */
  protected abstract toEntities(
    eventTypes: EventType[],
  ): Promise<DeferredEntity[]>;

  /** The ref of the entity made of the named event type, to remove it. */
  protected abstract entityRef(eventTypeName: string): string;

  /**
   * The entities to upsert for the named event type; `undefined` when the
   * registry no longer has it (its `deleted` change takes care of the
   * entity). Override when more than the type itself has to be there.
   */
  protected async upsertedEntities(
    eventTypeName: string,
  ): Promise<DeferredEntity[] | undefined> {
    const eventType = await this.#eventTypes.getEventType(eventTypeName);
    return eventType ? this.toEntities([eventType]) : undefined;
  }

  protected locationKey(eventTypeName: string): string {
    return eventTypeLocationKey(this.#providerName, eventTypeName);
  }

  getProviderName(): string {
    return this.#providerName;
  }

  /**
   * Schedules the full sync here rather than at module start, so that it
   * never runs before the catalog has handed over the connection.
   */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#scheduler.scheduleTask({
      id: this.#fullSyncTaskId,
      ...this.#schedule,
      fn: signal => this.#fullSyncOnceStarted(signal),
    });
  }

  /** fullSync, tried again for a while when the registry is starting. */
  async #fullSyncOnceStarted(signal?: AbortSignal): Promise<void> {
    for (const delayMs of [...STARTING_RETRY_DELAYS_MS, undefined]) {
      try {
        await this.fullSync();
        return;
      } catch (error) {
        if (delayMs === undefined || !isStarting(error) || signal?.aborted) {
          throw error;
        }
        this.logger.info(
          `The schema registry is starting; syncing to the catalog again in ${
            delayMs / 1000
          } s`,
        );
        await sleep(delayMs, signal);
      }
    }
  }

  /**
   * Replaces all entities of this provider with those of the registry's
   * current event types. Applies nothing when the registry cannot be listed
   * or the entities cannot be made, so that only a type's absence from the
   * list ever removes its entity.
   */
  async fullSync(): Promise<void> {
    const connection = this.#requireConnection();
    const eventTypes = await this.#eventTypes.listEventTypes();
    const entities = await this.toEntities(eventTypes);
    await connection.applyMutation({ type: 'full', entities });
    const what = this.#entityWords ? `${this.#entityWords.plural} of ` : '';
    this.logger.info(
      `Synced ${what}${entities.length} event types to the catalog`,
    );
  }

  /**
   * Applies one change announced by the registry. Errors are logged, not
   * thrown: the events service cannot do anything about them, and the next
   * full sync repairs whatever a lost change left behind.
   */
  async applyChange(change: EventTypeChangedPayload): Promise<void> {
    const { action, eventType: name } = change;
    const singular = this.#entityWords?.singular;
    try {
      const connection = this.#requireConnection();
      if (action === 'deleted') {
        await connection.applyMutation({
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef: this.entityRef(name),
              locationKey: this.locationKey(name),
            },
          ],
        });
        return;
      }
      const added = await this.upsertedEntities(name);
      if (!added) {
        this.logger.info(
          `Event type ${name} was not found in the registry, ${
            singular ? `no ${singular}` : 'nothing'
          } to upsert`,
        );
        return;
      }
      await connection.applyMutation({ type: 'delta', added, removed: [] });
    } catch (error) {
      this.logger.error(
        `Failed to apply change '${action}' of event type ${name} to ${
          singular ? `its ${singular} in ` : ''
        }the catalog; the next full sync will catch up`,
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
}
