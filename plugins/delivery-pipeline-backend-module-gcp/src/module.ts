import {
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  deliveryPipelineExporterExtensionPoint,
  deliveryPipelinePersonalDataExtensionPoint,
  deliveryPipelineStorageExtensionPoint,
  deliveryPipelineTransportExtensionPoint,
} from '@data-collection/plugin-delivery-pipeline-node';
import {
  EVENT_SCHEMAS_TOPIC,
  isEventTypeChangedPayload,
} from '@data-collection/plugin-event-schemas-common';
import { HttpEventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { BigQuery } from '@google-cloud/bigquery';
import { createDefaultAuth } from './auth';
import { BigQueryExporter, BigQueryTables } from './bigquery';
import { GCP_CONFIG_KEY, readGcpConfig } from './config';
import { CloudKmsKeyEncryptionKey } from './kms';
import {
  createPubSubClients,
  PubSubEventTransport,
  PubSubNames,
  PubSubProvisioner,
} from './pubsub';
import { createGcsBucket, GcsPartitionStorage } from './storage';

/**
 * Runs the delivery pipeline on Google Cloud: the Pub/Sub transport, Cloud
 * Storage partitions, the BigQuery export and Cloud KMS as the personal data
 * keychain's key-encryption key, each where its section of
 * `deliveryPipeline.gcp` is configured. Without that config it does nothing
 * and the pipeline keeps its local parts.
 *
 * @public
 */
export const deliveryPipelineModuleGcp = createBackendModule({
  pluginId: 'delivery-pipeline',
  moduleId: 'gcp',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
        transports: deliveryPipelineTransportExtensionPoint,
        storages: deliveryPipelineStorageExtensionPoint,
        exporters: deliveryPipelineExporterExtensionPoint,
        personalData: deliveryPipelinePersonalDataExtensionPoint,
      },
      async init(deps) {
        const { config, logger, lifecycle, events } = deps;
        const settings = readGcpConfig(config);
        if (!settings) {
          logger.info(
            `No ${GCP_CONFIG_KEY} config: the delivery pipeline keeps its local transport and storage`,
          );
          return;
        }
        const googleAuth = createDefaultAuth(settings.projectId);
        if (settings.kms) {
          deps.personalData.setKeyEncryptionKey(
            new CloudKmsKeyEncryptionKey({
              keyName: settings.kms.keyName,
              authClient: googleAuth,
              apiEndpoint: settings.kms.apiEndpoint,
            }),
          );
          logger.info(
            `The personal data keychain's key-encryption key is Cloud KMS key ${settings.kms.keyName}`,
          );
        }
        const projectId =
          settings.projectId ?? (await googleAuth.getProjectId());
        const registry = new HttpEventTypeReader(deps);
        // What a registry change must update at once: a new or changed
        // type gets its topic and subscription, and its table, before its
        // first event (as at Spotify, a schema change provisions).
        const onChange: Array<(eventType: string) => Promise<void>> = [];

        if (settings.pubsub) {
          const { publisher, subscriber } = createPubSubClients({
            projectId,
            authClient: googleAuth,
            apiEndpoint: settings.pubsub.apiEndpoint,
            protocol: settings.pubsub.protocol,
          });
          const provisioner = new PubSubProvisioner({
            publisher,
            subscriber,
            names: new PubSubNames({ projectId, ...settings.pubsub }),
            maxDeliveryAttempts: settings.pubsub.maxDeliveryAttempts,
            ackDeadlineSeconds: settings.pubsub.ackDeadlineSeconds,
            messageRetentionMs: settings.pubsub.messageRetentionMs,
            logger,
          });
          deps.transports.setTransport(
            new PubSubEventTransport({
              publisher,
              subscriber,
              provisioner,
              monitoringAuth: googleAuth,
              monitoringEndpoint: settings.monitoring.apiEndpoint,
              metricsCacheMs: settings.monitoring.refreshIntervalMs,
              publishDeadlineMs: settings.pubsub.publishDeadlineMs,
              clockSkewMs: settings.pubsub.clockSkewMs,
              maxBacklogEvents: settings.pubsub.maxBacklogEvents,
              maxBacklogBytes: settings.pubsub.maxBacklogBytes,
              logger: logger.child({ task: 'pubsub-transport' }),
              isRegistered: async eventType =>
                (await registry.getEventType(eventType)) !== undefined,
            }),
          );
          onChange.push(eventType => provisioner.provision(eventType));
        }

        const storage = settings.storage
          ? new GcsPartitionStorage({
              bucket: createGcsBucket({
                bucket: settings.storage.bucket,
                projectId,
                authClient: googleAuth,
                apiEndpoint: settings.storage.apiEndpoint,
              }),
              prefix: settings.storage.prefix,
              resumableThresholdBytes: settings.storage.resumableThresholdBytes,
              logger,
            })
          : undefined;
        if (storage) {
          deps.storages.setStorage(storage);
        }

        if (settings.bigquery) {
          if (!storage) {
            // The exporter reads delivered files through the pipeline's
            // storage, which only this module's own can hand it.
            throw new Error(
              `${GCP_CONFIG_KEY}.bigquery needs ${GCP_CONFIG_KEY}.storage: BigQuery loads the partitions kept in Cloud Storage`,
            );
          }
          const bigquery = new BigQuery({
            projectId,
            apiEndpoint: settings.bigquery.apiEndpoint,
            authClient: googleAuth as never,
          });
          const tables = new BigQueryTables({
            bigquery,
            datasetId: settings.bigquery.datasetId,
            location: settings.bigquery.location,
            eventTypes: registry,
            personalDataPolicyTag: settings.bigquery.personalDataPolicyTag,
            logger: logger.child({ task: 'bigquery-tables' }),
          });
          deps.exporters.addExporter(
            new BigQueryExporter({
              bigquery,
              tables,
              storage,
              logger: logger.child({ task: 'bigquery-export' }),
            }),
          );
          onChange.push(async eventType => {
            tables.forget(eventType);
            await tables.ensureTable(eventType);
          });
        }

        if (onChange.length === 0) {
          return;
        }
        const provision = (eventType: string) =>
          Promise.all(onChange.map(change => change(eventType))).catch(error =>
            // Not fatal: publishing and exporting provision again first.
            logger.warn(
              `Could not provision Google Cloud resources of event type ${eventType}; the next publish or export tries again`,
              toError(error),
            ),
          );
        await events.subscribe({
          id: 'delivery-pipeline-gcp-provisioning',
          topics: [EVENT_SCHEMAS_TOPIC],
          async onEvent({ eventPayload }) {
            if (
              isEventTypeChangedPayload(eventPayload) &&
              eventPayload.action === 'upserted'
            ) {
              await provision(eventPayload.eventType);
            }
          },
        });
        // The registry may be in this backend: ask once everything started.
        lifecycle.addStartupHook(() => {
          provisionAll(registry, provision, logger);
        });
      },
    });
  },
});

/**
 * Provisions every registered type, in the background: types registered
 * while this replica was down get their resources without waiting for
 * their first event.
 */
function provisionAll(
  registry: HttpEventTypeReader,
  provision: (eventType: string) => Promise<unknown>,
  logger: LoggerService,
): void {
  registry
    .listEventTypes()
    .then(async eventTypes => {
      for (const { name } of eventTypes) {
        await provision(name);
      }
      logger.info(
        `Provisioned the Google Cloud resources of ${eventTypes.length} event type(s)`,
      );
    })
    .catch(error =>
      logger.warn(
        'Could not list the registered event types to provision their Google Cloud resources; each is provisioned at its first event',
        toError(error),
      ),
    );
}
