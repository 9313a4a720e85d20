import { Config } from '@backstage/config';
import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import {
  EventTypeEntityProviderBase,
  eventTypeLocationKey,
  EventTypeReader,
} from '@data-collection/plugin-event-schemas-node';
import {
  bigQueryTableEntityRef,
  eventTypeToBigQueryTableEntity,
} from './bigQueryTableEntity';

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
  /** The root config, for the links to the delivery pages. */
  config: Config;
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
  const { projectId, datasetId, tableIdOf, registryUrl, config } = options;
  return eventTypes.map(eventType => ({
    entity: eventTypeToBigQueryTableEntity({
      eventType,
      table: { projectId, datasetId, tableId: tableIdOf(eventType.name) },
      registryUrl,
      config,
    }),
    locationKey: eventTypeLocationKey(PROVIDER_NAME, eventType.name),
  }));
}

/**
 * Keeps one catalog `Resource` entity (`spec.type: bigquery-table`) per
 * event type of the schema registry, for the BigQuery table its delivered
 * partitions are loaded into: a scheduled full sync, which also removes the
 * tables of deleted types, and delta updates as the registry announces
 * changes (the warehouse creates a type's table when it is registered).
 */
export class BigQueryTableEntityProvider extends EventTypeEntityProviderBase {
  readonly #projectId: ProjectIdSource;
  readonly #datasetId: string;
  readonly #tableIdOf: (eventType: string) => string;
  readonly #registryUrl: string;
  readonly #config: Config;
  /** Found once; the credentials' project does not change while we run. */
  #resolvedProjectId?: string;

  constructor(
    options: Omit<BigQueryTableEntityOptions, 'projectId'> & {
      /** The schema registry. */
      eventTypes: Pick<EventTypeReader, 'listEventTypes' | 'getEventType'>;
      projectId: ProjectIdSource;
      logger: LoggerService;
      scheduler: SchedulerService;
      /** When to run the full sync. */
      schedule: SchedulerServiceTaskScheduleDefinition;
    },
  ) {
    super({
      providerName: PROVIDER_NAME,
      fullSyncTaskId: BIGQUERY_TABLES_FULL_SYNC_TASK_ID,
      eventTypes: options.eventTypes,
      logger: options.logger,
      scheduler: options.scheduler,
      schedule: options.schedule,
      entityWords: {
        plural: 'the BigQuery tables',
        singular: 'BigQuery table',
      },
    });
    this.#projectId = options.projectId;
    this.#datasetId = options.datasetId;
    this.#tableIdOf = options.tableIdOf;
    this.#registryUrl = options.registryUrl;
    this.#config = options.config;
  }

  /** Fails, so that nothing is applied, while the project is unknown. */
  protected async toEntities(
    eventTypes: EventType[],
  ): Promise<DeferredEntity[]> {
    return bigQueryTableEntities(eventTypes, await this.#entityOptions());
  }

  protected entityRef(name: string): string {
    return bigQueryTableEntityRef(name);
  }

  async #entityOptions(): Promise<BigQueryTableEntityOptions> {
    return {
      projectId: await this.#readProjectId(),
      datasetId: this.#datasetId,
      tableIdOf: this.#tableIdOf,
      registryUrl: this.#registryUrl,
      config: this.#config,
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
}
