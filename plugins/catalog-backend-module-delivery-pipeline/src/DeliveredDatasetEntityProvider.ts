import { Config } from '@backstage/config';
import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { DeferredEntity } from '@backstage/plugin-catalog-node';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import {
  EventTypeEntityProviderBase,
  EventTypeReader,
} from '@data-collection/plugin-event-schemas-node';
import { datasetEntityRef, eventTypeToDatasetEntity } from './datasetEntity';

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
 * the provider's full sync (every event type's dataset, read anew).
 *
 * @public
 */
export const DATASETS_FULL_SYNC_TASK_ID = 'delivery-pipeline-catalog-full-sync';

/**
 * Keeps one catalog `Resource` entity (`spec.type: dataset`) per event type
 * of the schema registry, for the type's delivered data: a scheduled full
 * sync, which also removes the datasets of deleted types, and delta updates
 * as the registry announces changes.
 *
 * @public
 */
export class DeliveredDatasetEntityProvider extends EventTypeEntityProviderBase {
  readonly #deliveredRoot: DeliveredRootReader;
  readonly #registryUrl: string;
  readonly #config: Config;
  /** The last root the pipeline named, used while it cannot be asked. */
  #lastDeliveredRoot?: string;

  constructor(options: {
    /** The schema registry. */
    eventTypes: Pick<EventTypeReader, 'listEventTypes' | 'getEventType'>;
    deliveredRoot: DeliveredRootReader;
    /** Base URL of the registry's HTTP API, for the entities' locations. */
    registryUrl: string;
    /** The root config, for the links to the delivery pages. */
    config: Config;
    logger: LoggerService;
    scheduler: SchedulerService;
    /** When to run the full sync. */
    schedule: SchedulerServiceTaskScheduleDefinition;
  }) {
    super({
      providerName: 'delivered-datasets',
      fullSyncTaskId: DATASETS_FULL_SYNC_TASK_ID,
      eventTypes: options.eventTypes,
      logger: options.logger,
      scheduler: options.scheduler,
      schedule: options.schedule,
      entityWords: { plural: 'the delivered datasets', singular: 'dataset' },
    });
    this.#deliveredRoot = options.deliveredRoot;
    this.#registryUrl = options.registryUrl;
    this.#config = options.config;
  }

  /**
   * Without the pipeline's answer, the datasets are still synced, without
   * their location.
   */
  protected async toEntities(
    eventTypes: EventType[],
  ): Promise<DeferredEntity[]> {
    const deliveredRoot = await this.#readDeliveredRoot();
    return eventTypes.map(eventType => ({
      entity: eventTypeToDatasetEntity({
        eventType,
        registryUrl: this.#registryUrl,
        config: this.#config,
        deliveredRoot,
      }),
      locationKey: this.locationKey(eventType.name),
    }));
  }

  protected entityRef(name: string): string {
    return datasetEntityRef(name);
  }

  /**
   * The pipeline's delivered root; on failure the last one it named (its
   * configuration does not change while it runs), or none at all.
   */
  async #readDeliveredRoot(): Promise<string | undefined> {
    try {
      this.#lastDeliveredRoot = await this.#deliveredRoot.getDeliveredRoot();
    } catch (error) {
      this.logger.warn(
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
}
