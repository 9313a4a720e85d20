import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabaseEventTypeStore } from './database/DatabaseEventTypeStore';
import { createRouter } from './service/router';

/**
 * The schema registry: event types, their versions and their HTTP API.
 *
 * @public
 */
export const eventSchemasPlugin = createBackendPlugin({
  pluginId: 'event-schemas',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, logger }) {
        const store = await DatabaseEventTypeStore.create({ database });
        httpRouter.use(await createRouter({ store, logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
