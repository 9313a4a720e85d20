import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  HttpEventTypeReader,
  readEventTypesPath,
  readSyncSchedule,
  subscribeToEventTypeChanges,
} from '@data-collection/plugin-event-schemas-node';
import { createDefaultAuth } from '../auth';
import {
  BigQueryTableEntityProvider,
  ProjectIdSource,
} from './BigQueryTableEntityProvider';
import { bigQueryTableId } from '@data-collection/plugin-delivery-pipeline-common';

const GCP_KEY = 'deliveryPipeline.gcp';
const BIGQUERY_KEY = `${GCP_KEY}.bigquery`;
const SCHEDULE_CONFIG_KEY = `${BIGQUERY_KEY}.catalog.schedule`;

/**
 * Catalog module that gives every event type of the schema registry a
 * `Resource` entity (`spec.type: bigquery-table`) for the BigQuery table
 * its delivered data is loaded into, which depends on the type's dataset
 * entity. Does nothing unless `deliveryPipeline.gcp.bigquery` is configured.
 *
 * @public
 */
export const catalogModuleBigQueryTables = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'delivery-pipeline-bigquery-tables',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        scheduler: coreServices.scheduler,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        scheduler,
        config,
        logger,
        discovery,
        auth,
        events,
      }) {
        const bigquery = config.getOptionalConfig(BIGQUERY_KEY);
        if (!bigquery) {
          logger.info(
            `${BIGQUERY_KEY} is not configured, so there are no BigQuery tables to add to the catalog`,
          );
          return;
        }
        const configuredProjectId = config.getOptionalString(
          `${GCP_KEY}.projectId`,
        );
        // Asked of the credentials only when the first sync needs it, so
        // that the backend starts while the metadata server is away.
        const projectId: ProjectIdSource =
          configuredProjectId ?? (() => createDefaultAuth().getProjectId());

        // A bad eventSchemas.portal.eventTypesPath fails the start, not the

        // first sync.

        readEventTypesPath(config);

        const provider = new BigQueryTableEntityProvider({
          eventTypes: new HttpEventTypeReader({ discovery, auth }),
          projectId,
          datasetId: bigquery.getString('datasetId'),
          tableIdOf: bigQueryTableId,
          // Users follow the entities' links, so the externally reachable URL.
          registryUrl: await discovery.getExternalBaseUrl('event-schemas'),
          // app.baseUrl and eventSchemas.portal.eventTypesPath, for the links.
          config,
          logger,
          scheduler,
          schedule: readSyncSchedule(config, {
            key: SCHEDULE_CONFIG_KEY,
          }),
        });
        catalog.addEntityProvider(provider);

        await subscribeToEventTypeChanges({
          events,
          id: 'delivery-pipeline-bigquery-tables-entity-provider',
          logger,
          provider,
        });
      },
    });
  },
});
