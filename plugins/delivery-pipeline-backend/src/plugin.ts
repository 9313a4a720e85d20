import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  deliveryPipelineStorageExtensionPoint,
  deliveryPipelineTransportExtensionPoint,
  EventTransport,
  PartitionStorage,
} from '@internal/plugin-delivery-pipeline-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  EVENT_SCHEMAS_TOPIC,
  isEventTypeChangedPayload,
} from '@internal/plugin-event-schemas-common';
import { readPipelineConfig } from './config';
import { RawPartitionConsumer } from './consumer/RawPartitionConsumer';
import { DatabaseFailedEventStore } from './database/DatabaseFailedEventStore';
import { DatabasePartitionStore } from './database/DatabasePartitionStore';
import { migrateDatabase } from './database/migrateDatabase';
import { IngestService } from './ingest/IngestService';
import { ProducerRestrictions } from './ingest/ProducerRestrictions';
import { observeTransport } from './metrics';
import { EventTypeValidators } from './registry/EventTypeValidators';
import { HttpRegistryClient } from './registry/RegistryClient';
import { createRouter } from './service/router';
import { LocalPartitionStorage } from './storage/LocalPartitionStorage';
import { DatabaseEventTransport } from './transport/DatabaseEventTransport';
import { LocalEventTransport } from './transport/LocalEventTransport';

/**
 * The delivery pipeline: ingest, transport and the consumer that writes raw
 * partitions, and the state of every partition.
 *
 * @public
 */
export const deliveryPipelinePlugin = createBackendPlugin({
  pluginId: 'delivery-pipeline',
  register(env) {
    let moduleTransport: EventTransport | undefined;
    let moduleStorage: PartitionStorage | undefined;
    env.registerExtensionPoint(deliveryPipelineTransportExtensionPoint, {
      setTransport(transport) {
        if (moduleTransport) {
          throw new Error('A delivery pipeline transport was already set');
        }
        moduleTransport = transport;
      },
    });
    env.registerExtensionPoint(deliveryPipelineStorageExtensionPoint, {
      setStorage(storage) {
        if (moduleStorage) {
          throw new Error('A delivery pipeline storage was already set');
        }
        moduleStorage = storage;
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
      },
      async init(deps) {
        const { config, database, events, httpRouter, lifecycle, logger } =
          deps;
        const settings = readPipelineConfig(config);
        const db = await migrateDatabase(database);
        const partitions = new DatabasePartitionStore(db);
        const failedEvents = new DatabaseFailedEventStore(db);

        const transportName = moduleTransport
          ? 'extension'
          : settings.transport.type;
        const transport =
          moduleTransport ??
          (settings.transport.type === 'database'
            ? await DatabaseEventTransport.create({
                // Migrated above.
                database: {
                  getClient: async () => db,
                  migrations: { skip: true },
                },
                maxBacklogEvents: settings.transport.maxBacklogEvents,
                maxBacklogBytes: settings.transport.maxBacklogBytes,
                logger,
              })
            : await LocalEventTransport.create({
                directory: settings.transport.directory,
                maxBacklogEvents: settings.transport.maxBacklogEvents,
                maxBacklogBytes: settings.transport.maxBacklogBytes,
                logger,
              }));
        const storage =
          moduleStorage ??
          new LocalPartitionStorage({ directory: settings.storage.directory });
        observeTransport(transport);

        const validators = new EventTypeValidators({
          registry: new HttpRegistryClient(deps),
        });
        // A new version or a deleted type is seen at once, not after the TTL.
        await events.subscribe({
          id: 'delivery-pipeline-validators',
          topics: [EVENT_SCHEMAS_TOPIC],
          async onEvent({ eventPayload }) {
            if (isEventTypeChangedPayload(eventPayload)) {
              validators.forget(eventPayload.eventType);
            }
          },
        });

        const ingest = new IngestService({
          validators,
          restrictions: ProducerRestrictions.fromConfig(config),
          transport,
          failedEvents,
          limits: settings.limits,
          maxFailedPayloadBytes: settings.maxFailedPayloadBytes,
        });
        httpRouter.use(
          await createRouter({
            ...deps,
            partitions,
            failedEvents,
            ingest,
            limits: settings.limits,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        const consumer = new RawPartitionConsumer({
          transport,
          transportName,
          storage,
          partitions,
          logger: logger.child({ task: 'consumer' }),
          widthMs: settings.partitions.widthMs,
          ...settings.consumer,
        });
        lifecycle.addStartupHook(() => consumer.start());
        lifecycle.addShutdownHook(async () => {
          await consumer.stop();
          await transport.close();
        });
      },
    });
  },
});
