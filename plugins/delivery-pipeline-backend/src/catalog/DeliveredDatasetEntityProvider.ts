import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  EventType,
  EventTypeChangedPayload,
} from '@internal/plugin-event-schemas-common';
import { datasetEntityRef, eventTypeToDatasetEntity } from './datasetEntity';

/**
 * Where the provider reads event types from (the schema registry).
 *
 * @public
 */
export interface DatasetEventTypeReader {
  /** Every event type, across all pages. */
  listEventTypes(): Promise<EventType[]>;
  /** One event type; `undefined` when there is none of that name. */
  getEventType(name: string): Promise<EventType | undefined>;
}

/**
 * Where the provider learns where delivered data is written (the pipeline).
 *
 * @public
 */
export interface DeliveredRootReader {
  /**
   * URL of the root the pipeline delivers to, e.g. `gs://bucket/delivered`;
   * a type's partitions are in `<root>/<event type name>`.
   */
  getDeliveredRoot(): Promise<string>;
}

/**
 * The id of the catalog's scheduled task that runs
 * {@link DeliveredDatasetEntityProvider.fullSync}.
 *
 * @public
 */
export const DATASETS_FULL_SYNC_TASK_ID = 'delivery-pipeline-catalog-full-sync';

const PROVIDER_NAME = 'delivered-datasets';

/**
 * Keeps one catalog `Resource` entity (`spec.type: dataset`) per event type
 * of the schema registry, for the type's delivered data: a scheduled full
 * sync, which also removes the datasets of deleted types, and delta updates
 * as the registry announces changes.
 *
 * @public
 */
export class DeliveredDatasetEntityProvider implements EntityProvider {
  readonly #eventTypes: DatasetEventTypeReader;
  readonly #deliveredRoot: DeliveredRootReader;
  readonly #registryUrl: string;
  readonly #appBaseUrl: string;
  readonly #logger: LoggerService;
  readonly #scheduler: SchedulerService;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  #connection?: EntityProviderConnection;
  /** The last root the pipeline named, used while it cannot be asked. */
  #lastDeliveredRoot?: string;

  constructor(options: {
    eventTypes: DatasetEventTypeReader;
    deliveredRoot: DeliveredRootReader;
    /** Base URL of the registry's HTTP API, for the entities' locations. */
    registryUrl: string;
    /** The portal's `app.baseUrl`, for the links to the delivery pages. */
    appBaseUrl: string;
    logger: LoggerService;
    scheduler: SchedulerService;
    /** When to run the full sync. */
    schedule: SchedulerServiceTaskScheduleDefinition;
  }) {
    this.#eventTypes = options.eventTypes;
    this.#deliveredRoot = options.deliveredRoot;
    this.#registryUrl = options.registryUrl;
    this.#appBaseUrl = options.appBaseUrl;
    this.#logger = options.logger;
    this.#scheduler = options.scheduler;
    this.#schedule = options.schedule;
  }

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  /**
   * Schedules the full sync here rather than at module start, so that it
   * never runs before the catalog has handed over the connection.
   */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#scheduler.scheduleTask({
      id: DATASETS_FULL_SYNC_TASK_ID,
      ...this.#schedule,
      fn: () => this.fullSync(),
    });
  }

  /**
   * Replaces all entities of this provider with the datasets of the
   * registry's current event types. Applies nothing when the registry
   * cannot be listed, so that only a type's absence from the list ever
   * removes its dataset. Without the pipeline's answer, the datasets are
   * still synced, without their location.
   */
  async fullSync(): Promise<void> {
    const connection = this.#requireConnection();
    const eventTypes = await this.#eventTypes.listEventTypes();
    const deliveredRoot = await this.#readDeliveredRoot();
    const entities = eventTypes.map(eventType =>
      this.#toDeferredEntity(eventType, deliveredRoot),
    );
    await connection.applyMutation({ type: 'full', entities });
    this.#logger.info(
      `Synced the delivered datasets of ${entities.length} event types to the catalog`,
    );
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
              entityRef: datasetEntityRef(name),
              locationKey: locationKey(name),
            },
          ],
        });
        return;
      }
      const eventType = await this.#eventTypes.getEventType(name);
      if (!eventType) {
        // Deleted since; its `deleted` change takes care of the entity.
        this.#logger.info(
          `Event type ${name} was not found in the registry, no dataset to upsert`,
        );
        return;
      }
      const deliveredRoot = await this.#readDeliveredRoot();
      await connection.applyMutation({
        type: 'delta',
        added: [this.#toDeferredEntity(eventType, deliveredRoot)],
        removed: [],
      });
    } catch (error) {
      this.#logger.error(
        `Failed to apply change '${action}' of event type ${name} to its dataset in the catalog; the next full sync will catch up`,
        toError(error),
      );
    }
  }

  /**
   * The pipeline's delivered root; on failure the last one it named (its
   * configuration does not change while it runs), or none at all.
   */
  async #readDeliveredRoot(): Promise<string | undefined> {
    try {
      this.#lastDeliveredRoot = await this.#deliveredRoot.getDeliveredRoot();
    } catch (error) {
      this.#logger.warn(
        `Could not read where the delivery pipeline delivers to; ${
          this.#lastDeliveredRoot
            ? `keeping the last known location ${this.#lastDeliveredRoot}`
            : 'the datasets go without their location until the next sync'
        }`,
        toError(error),
      );
    }
    return this.#lastDeliveredRoot;
  }

  #requireConnection(): EntityProviderConnection {
    if (!this.#connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    return this.#connection;
  }

  #toDeferredEntity(
    eventType: EventType,
    deliveredRoot: string | undefined,
  ): DeferredEntity {
    return {
      entity: eventTypeToDatasetEntity({
        eventType,
        registryUrl: this.#registryUrl,
        appBaseUrl: this.#appBaseUrl,
        deliveredRoot,
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
  return `${PROVIDER_NAME}:${name}`;
}
