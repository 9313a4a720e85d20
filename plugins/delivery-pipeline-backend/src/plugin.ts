import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { deliveryPipelinePermissions } from '@data-collection/plugin-delivery-pipeline-common';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { registerDeliveryActions } from './actions';
import { createCompletionStage } from './completion';
import { readPipelineConfig } from './config';
import { createConsumerStage } from './consumer';
import { DatabasePartitionReadStore } from './database/DatabasePartitionReadStore';
import { migrateDatabase } from './database/migrateDatabase';
import { createDedupeStage } from './dedupe';
import { createExportStage } from './export';
import { registerExtensionPoints } from './extensionPoints';
import { createIngestStage } from './ingest';
import { createMonitorStage } from './monitor';
import { createPersonalData } from './personalData/createPersonalData';
import { sealUnsealedFailedEvents } from './personalData/sealUnsealedFailedEvents';
import { createRegistryViews } from './registry/createRegistryViews';
import { createRetentionStage } from './retention';
import { policyReader } from './service/deliveryHealth';
import { createRouter } from './service/router';
import { createStorage } from './storage/createStorage';
import { createTransport } from './transport';

/**
 * The delivery pipeline. Each stage (ingest, transport, consumer, completion,
 * dedupe, export, monitor, retention) is built and scheduled by its folder's
 * entry point; this file only wires them.
 *
 * @public
 */
export const deliveryPipelinePlugin = createBackendPlugin({
  pluginId: 'delivery-pipeline',
  register(env) {
    const modules = registerExtensionPoints(env);
    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
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
        // Delivered, late and missing partitions, to the open delivery pages.
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, logger, httpRouter } = deps;
        const settings = readPipelineConfig(config);
        const db = await migrateDatabase(deps.database);
        // Producing and reading data are permissions on the registry's
        // `event-type` resources, whose conditions its plugin applies.
        deps.permissionsRegistry.addPermissions(deliveryPipelinePermissions);
        const storage = createStorage({ modules, settings });
        const base = { ...deps, db, storage, settings, modules };
        const chosen = await createTransport(base);
        const registry = await createRegistryViews(base);
        const personalData = await createPersonalData({ ...base, ...registry });
        const views = { ...base, ...registry, ...personalData, ...chosen };
        const stage = { ...views, ...createIngestStage(views) };
        const { ingest, failedEvents, protector, transport } = stage;
        const consumer = createConsumerStage(stage);
        await createCompletionStage(stage);
        await createDedupeStage(stage);
        await createExportStage(stage);
        await createMonitorStage(stage);
        const { deletions } = await createRetentionStage(stage);
        const partitions = new DatabasePartitionReadStore(db);
        const router = await createRouter({
          ...stage,
          personalData,
          retention: deletions,
          limits: settings.limits,
          api: settings.api,
          partitions,
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        registerDeliveryActions({
          actionsRegistry: deps.actionsRegistry,
          partitions,
          policyOf: policyReader(stage.policies),
          maxWindowMs: settings.api.maxWindowMs,
        });

        deps.lifecycle.addStartupHook(async () => {
          await sealUnsealedFailedEvents({ failedEvents, protector, logger });
          consumer.start();
          await modules.producers.start({ ingest, logger });
        });
        deps.lifecycle.addShutdownHook(async () => {
          await modules.producers.stop();
          await consumer.stop();
          await transport.close();
        });
      },
    });
  },
});
