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
import {
  bigQueryTableEntityRef,
  eventTypeToBigQueryTableEntity,
} from './bigQueryTableEntity';

/** Where the provider reads event types from (the schema registry). */
export interface TableEventTypeReader {
  /** Every event type, across all pages. */
  listEventTypes(): Promise<EventType[]>;
  /** One event type; `undefined` when there is none of that name. */
  getEventType(name: string): Promise<EventType | undefined>;
}

/**
 * The project of the tables: configured, or found from the credentials
 * when first needed (so that the backend starts without asking Google).
 */
export type ProjectIdSource = string | (() => Promise<string>);

/** What the entities are made of, besides the event types. */
export type BigQueryTableEntityOptions = {
  projectId: string;
  datasetId: string;
  /** The warehouse's table id of an event type. */
  tableIdOf: (eventType: string) => string;
  /** Base URL of the registry's HTTP API, for the entities' locations. */
  registryUrl: string;
  /** The portal's `app.baseUrl`, for the links to the delivery pages. */
  appBaseUrl: string;
};

/**
 * The id of the catalog's scheduled task that runs
 * {@link BigQueryTableEntityProvider.fullSync}.
 */
export const BIGQUERY_TABLES_FULL_SYNC_TASK_ID =
  'delivery-pipeline-bigquery-tables-catalog-full-sync';

const PROVIDER_NAME = 'delivery-pipeline-bigquery-tables';

/**
 * The entities of the tables of the given event types, each claimed by this
 * provider's location key: what a full mutation applies.
 */
export function bigQueryTableEntities(
  eventTypes: EventType[],
  options: BigQueryTableEntityOptions,
): DeferredEntity[] {
  const { projectId, datasetId, tableIdOf, registryUrl, appBaseUrl } = options;
  return eventTypes.map(eventType => ({
    entity: eventTypeToBigQueryTableEntity({
      eventType,
      table: { projectId, datasetId, tableId: tableIdOf(eventType.name) },
      registryUrl,
      appBaseUrl,
    }),
    locationKey: locationKey(eventType.name),
  }));
}

/**
 * Keeps one catalog `Resource` entity (`spec.type: bigquery-table`) per
 * event type of the schema registry, for the BigQuery table its delivered
 * partitions are loaded into: a scheduled full sync, which also removes the
 * tables of deleted types, and delta updates as the registry announces
 * changes (the warehouse creates a type's table when it is registered).
 */
export class BigQueryTableEntityProvider implements EntityProvider {
  readonly #eventTypes: TableEventTypeReader;
  readonly #projectId: ProjectIdSource;
  readonly #datasetId: string;
  readonly #tableIdOf: (eventType: string) => string;
  readonly #registryUrl: string;
  readonly #appBaseUrl: string;
  readonly #logger: LoggerService;
  readonly #scheduler: SchedulerService;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  #connection?: EntityProviderConnection;
  /** Found once; the credentials' project does not change while we run. */
  #resolvedProjectId?: string;

  constructor(
    options: Omit<BigQueryTableEntityOptions, 'projectId'> & {
      eventTypes: TableEventTypeReader;
      projectId: ProjectIdSource;
      logger: LoggerService;
      scheduler: SchedulerService;
      /** When to run the full sync. */
      schedule: SchedulerServiceTaskScheduleDefinition;
    },
  ) {
    this.#eventTypes = options.eventTypes;
    this.#projectId = options.projectId;
    this.#datasetId = options.datasetId;
    this.#tableIdOf = options.tableIdOf;
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
      id: BIGQUERY_TABLES_FULL_SYNC_TASK_ID,
      ...this.#schedule,
      fn: () => this.fullSync(),
    });
  }

  /**
   * Replaces all entities of this provider with the tables of the
   * registry's current event types. Applies nothing when the registry
   * cannot be listed or the project is unknown, so that only a type's
   * absence from the list ever removes its table's entity.
   */
  async fullSync(): Promise<void> {
    const connection = this.#requireConnection();
    const eventTypes = await this.#eventTypes.listEventTypes();
    const entities = bigQueryTableEntities(
      eventTypes,
      await this.#entityOptions(),
    );
    await connection.applyMutation({ type: 'full', entities });
    this.#logger.info(
      `Synced the BigQuery tables of ${entities.length} event types to the catalog`,
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
              entityRef: bigQueryTableEntityRef(name),
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
          `Event type ${name} was not found in the registry, no BigQuery table to upsert`,
        );
        return;
      }
      await connection.applyMutation({
        type: 'delta',
        added: bigQueryTableEntities([eventType], await this.#entityOptions()),
        removed: [],
      });
    } catch (error) {
      this.#logger.error(
        `Failed to apply change '${action}' of event type ${name} to its BigQuery table in the catalog; the next full sync will catch up`,
        toError(error),
      );
    }
  }

  async #entityOptions(): Promise<BigQueryTableEntityOptions> {
    return {
      projectId: await this.#readProjectId(),
      datasetId: this.#datasetId,
      tableIdOf: this.#tableIdOf,
      registryUrl: this.#registryUrl,
      appBaseUrl: this.#appBaseUrl,
    };
  }

  async #readProjectId(): Promise<string> {
    if (typeof this.#projectId === 'string') {
      return this.#projectId;
    }
    // Not remembered on failure, so the next sync asks again.
    this.#resolvedProjectId ??= await this.#projectId();
    return this.#resolvedProjectId;
  }

  #requireConnection(): EntityProviderConnection {
    if (!this.#connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    return this.#connection;
  }
}

/**
 * Claims the entity for this provider: the catalog refuses to let another
 * provider or location overwrite an entity with a different location key.
 */
function locationKey(name: string): string {
  return `${PROVIDER_NAME}:${name}`;
}
