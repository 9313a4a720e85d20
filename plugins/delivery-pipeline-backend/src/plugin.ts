import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  deliveryPipelineExporterExtensionPoint,
  deliveryPipelinePersonalDataExtensionPoint,
  deliveryPipelineStorageExtensionPoint,
  deliveryPipelineTransportExtensionPoint,
  EventTransport,
  KeyEncryptionKey,
  PartitionExporter,
  PartitionStorage,
} from '@internal/plugin-delivery-pipeline-node';
import { deliveryPipelinePermissions } from '@internal/plugin-delivery-pipeline-common';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { HttpEventTypeReader } from '@internal/plugin-event-schemas-node';
import {
  EVENT_SCHEMAS_TOPIC,
  isEventTypeChangedPayload,
} from '@internal/plugin-event-schemas-common';
import { Completionist } from './completion/Completionist';
import { QuietPartitionOpener } from './completion/openQuietPartitions';
import { readPipelineConfig } from './config';
import { RawPartitionConsumer } from './consumer/RawPartitionConsumer';
import { Deduper } from './delivery/Deduper';
import { ExportRunner } from './delivery/ExportRunner';
import { DemoTraffic, readDemoTrafficConfig } from './demo';
import { SlaMonitor } from './monitor/SlaMonitor';
import { MissingPartitionsCheck } from './monitor/missingPartitions';
import { EventTypePolicies } from './policies/EventTypePolicies';
import { RetentionTask } from './retention/RetentionTask';
import { DatabaseRetentionStore } from './database/DatabaseRetentionStore';
import { DatabaseFailedEventStore } from './database/DatabaseFailedEventStore';
import { DatabaseKeychainStore } from './database/DatabaseKeychainStore';
import { createKeychain } from './personalData/createKeychain';
import { PersonalDataProtector } from './personalData/PersonalDataProtector';
import { PersonalDataReader } from './personalData/PersonalDataReader';
import { sealUnsealedFailedEvents } from './personalData/sealUnsealedFailedEvents';
import { FailedEventRetention } from './retention/FailedEventRetention';
import { EventTypeDataAccess } from './service/EventTypeDataAccess';
import { PersonalDataAccessControl } from './service/PersonalDataAccessControl';
import { DatabasePartitionStore } from './database/DatabasePartitionStore';
import { migrateDatabase } from './database/migrateDatabase';
import { IngestService } from './ingest/IngestService';
import {
  ProducerAuthorization,
  trustedProducer,
} from './ingest/ProducerAuthorization';
import { ProducerGrants } from './ingest/ProducerGrants';
import { observeTransport } from './metrics';
import { EventTypeValidators } from './registry/EventTypeValidators';
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
    let moduleKeyEncryptionKey: KeyEncryptionKey | undefined;
    const exporters: PartitionExporter[] = [];
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
    env.registerExtensionPoint(deliveryPipelinePersonalDataExtensionPoint, {
      setKeyEncryptionKey(key) {
        if (moduleKeyEncryptionKey) {
          throw new Error(
            'A delivery pipeline key-encryption key was already set',
          );
        }
        moduleKeyEncryptionKey = key;
      },
    });
    env.registerExtensionPoint(deliveryPipelineExporterExtensionPoint, {
      addExporter(exporter) {
        if (exporters.some(e => e.name === exporter.name)) {
          throw new Error(
            `A delivery pipeline exporter named '${exporter.name}' was already added`,
          );
        }
        exporters.push(exporter);
      },
    });

    env.registerInit({
      deps: {
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        const { config, database, events, httpRouter, lifecycle, logger } =
          deps;
        const { scheduler } = deps;
        const settings = readPipelineConfig(config);
        const db = await migrateDatabase(database);
        const partitions = new DatabasePartitionStore(db);
        const failedEvents = new DatabaseFailedEventStore(db);
        // Producing and reading data are permissions on the registry's
        // `event-type` resources, whose conditions the registry's plugin
        // applies.
        deps.permissionsRegistry.addPermissions(deliveryPipelinePermissions);

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

        const registry = new HttpEventTypeReader(deps);
        const validators = new EventTypeValidators({ registry });
        const policies = new EventTypePolicies({
          registry,
          logger,
          defaults: {
            maxLatenessMs: settings.sla.defaultMaxLatenessMs,
            rawRetentionMs: settings.retention.defaultRawMs,
            deliveredRetentionMs: settings.retention.defaultDeliveredMs,
          },
        });
        // A new version, policy or a deleted type is seen at once, not after
        // the caches' TTL.
        await events.subscribe({
          id: 'delivery-pipeline-validators',
          topics: [EVENT_SCHEMAS_TOPIC],
          async onEvent({ eventPayload }) {
            if (isEventTypeChangedPayload(eventPayload)) {
              validators.forget(eventPayload.eventType);
              policies.forget(eventPayload.eventType);
            }
          },
        });
        const retentionStore = new DatabaseRetentionStore(db);

        const keychain = await createKeychain({
          store: new DatabaseKeychainStore(db),
          keyEncryptionKey: moduleKeyEncryptionKey,
          settings: settings.personalData,
          logger: logger.child({ task: 'keychain' }),
        });
        const protector = new PersonalDataProtector({ keychain });
        const reader = new PersonalDataReader({ keychain });
        const dataAccess = new EventTypeDataAccess(deps);
        const personalDataAccess = new PersonalDataAccessControl({
          dataAccess,
          reader,
          eventTypes: validators,
        });
        const producers = new ProducerAuthorization({
          permissions: deps.permissions,
          grants: ProducerGrants.fromConfig(config),
          eventTypes: validators,
        });
        const ingest = new IngestService({
          validators,
          transport,
          personalData: protector,
          failedEvents,
          limits: settings.limits,
          maxFailedPayloadBytes: settings.failedEvents.maxPayloadBytes,
        });
        httpRouter.use(
          await createRouter({
            ...deps,
            partitions,
            failedEvents,
            ingest,
            limits: settings.limits,
            api: settings.api,
            policies,
            storage,
            retention: retentionStore,
            personalData: { keychain, reader, access: personalDataAccess },
            producers,
            dataAccess,
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

        const completionist = new Completionist({
          partitions,
          transportName,
          graceMs: settings.partitions.graceMs,
          logger: logger.child({ task: 'completionist' }),
          quietPartitions: new QuietPartitionOpener({
            partitions,
            registry,
            widthMs: settings.partitions.widthMs,
            graceMs: settings.partitions.graceMs,
            maxBackfillMs: settings.completionist.maxQuietBackfillMs,
            maxWindowsPerRun: settings.completionist.maxQuietPartitionsPerRun,
            logger: logger.child({ task: 'completionist' }),
          }),
        });
        const deduper = new Deduper({
          partitions,
          storage,
          exporterNames: exporters.map(e => e.name),
          widthMs: settings.partitions.widthMs,
          lookbackMs: settings.deduper.lookbackMs,
          maxMemoryBytes: settings.deduper.maxMemoryBytes,
          spillDirectory: settings.deduper.spillDirectory,
          workerThreads: settings.deduper.workerThreads,
          leaseMs: settings.deduper.leaseMs,
          logger: logger.child({ task: 'deduper' }),
        });
        const exportRunner = new ExportRunner({
          partitions,
          storage,
          exporters,
          logger: logger.child({ task: 'exporter' }),
        });
        const slaMonitor = new SlaMonitor({
          db,
          policies,
          notifications: deps.notifications,
          logger: logger.child({ task: 'sla-monitor' }),
        });
        const missingPartitions = new MissingPartitionsCheck({
          partitions,
          policies,
          widthMs: settings.partitions.widthMs,
          logger: logger.child({ task: 'sla-monitor' }),
        });
        missingPartitions.observe();
        const retention = new RetentionTask({
          store: retentionStore,
          storage,
          policies,
          logger: logger.child({ task: 'retention' }),
        });
        const failedEventRetention = new FailedEventRetention({
          failedEvents,
          retentionMs: settings.failedEvents.retentionMs,
          logger: logger.child({ task: 'retention' }),
        });

        // Singletons across replicas: the scheduler's global scope holds a
        // database lock while a task runs (until its timeout if the replica
        // dies, hence the completionist's short one).
        await scheduler.scheduleTask({
          id: 'delivery-pipeline-completionist',
          frequency: settings.completionist.frequency,
          timeout: settings.completionist.timeout,
          scope: 'global',
          fn: async () => {
            await completionist.runOnce();
          },
        });
        // Every replica delivers: partitions are claimed with leases in the
        // plugin's database, so no replica waits on another's task lock.
        await scheduler.scheduleTask({
          id: 'delivery-pipeline-deduper',
          frequency: settings.deduper.frequency,
          timeout: settings.deduper.timeout,
          scope: 'local',
          fn: async signal => {
            await deduper.runOnce({ signal });
            await exportRunner.runOnce();
          },
        });
        await scheduler.scheduleTask({
          id: 'delivery-pipeline-sla-monitor',
          frequency: settings.sla.frequency,
          timeout: { minutes: 5 },
          scope: 'global',
          fn: async () => {
            try {
              await slaMonitor.runOnce();
            } finally {
              await missingPartitions.runOnce();
            }
          },
        });
        await scheduler.scheduleTask({
          id: 'delivery-pipeline-retention',
          frequency: settings.retention.frequency,
          timeout: { minutes: 30 },
          initialDelay: { minutes: 1 },
          scope: 'global',
          fn: async () => {
            await retention.runOnce();
            await failedEventRetention.runOnce();
            // A rotation of the key-encryption key takes effect here.
            await keychain.rewrap();
          },
        });

        const demo = readDemoTrafficConfig(config);
        const demoTraffic = demo.enabled
          ? new DemoTraffic({
              send: request =>
                ingest.ingest({
                  ...request,
                  producer: trustedProducer(request.producer),
                }),
              eventsPerSecond: demo.eventsPerSecond,
              logger: logger.child({ task: 'demo-traffic' }),
            })
          : undefined;

        lifecycle.addStartupHook(async () => {
          await sealUnsealedFailedEvents({ failedEvents, protector, logger });
          consumer.start();
          demoTraffic?.start();
        });
        lifecycle.addShutdownHook(async () => {
          await demoTraffic?.stop();
          await consumer.stop();
          await transport.close();
        });
      },
    });
  },
});
