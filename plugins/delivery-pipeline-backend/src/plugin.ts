import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabasePartitionStore } from './database/DatabasePartitionStore';
import { createRouter } from './service/router';

/**
 * The delivery pipeline: partitions of received events and their delivery.
 *
 * @public
 */
export const deliveryPipelinePlugin = createBackendPlugin({
  pluginId: 'delivery-pipeline',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, logger }) {
        const store = await DatabasePartitionStore.create({ database });
        httpRouter.use(await createRouter({ store, logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
