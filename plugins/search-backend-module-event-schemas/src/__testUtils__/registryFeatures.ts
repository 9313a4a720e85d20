import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
// The real registry, beside the module as in the portal.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import eventSchemasPlugin from '@data-collection/plugin-event-schemas-backend';
import { Knex } from 'knex';
import path from 'node:path';

/**
 * The repo's demo event types: playback (JSON Schema, has `track_id`; its
 * earlier version in demo-history) and search (Avro).
 */
const EXAMPLES = path.resolve(__dirname, '../../../../examples');

/**
 * The schema registry with the demo types registered at startup, on the
 * given database, and the services it needs mocked. Config goes with it, as
 * a backend has one root config: pass the rest of the test's own.
 */
export function registryFeatures(options: {
  knex: Knex;
  config?: { eventSchemas?: object; [key: string]: unknown };
}) {
  const { eventSchemas, ...config } = options.config ?? {};
  return [
    eventSchemasPlugin,
    mockServices.database.factory({ knex: options.knex }),
    mockServices.rootConfig.factory({
      data: {
        app: { baseUrl: 'http://localhost:3000' },
        ...config,
        eventSchemas: {
          ...eventSchemas,
          demoData: {
            directories: [
              path.join(EXAMPLES, 'demo-history'),
              path.join(EXAMPLES, 'event-types'),
            ],
          },
        },
      },
    }),
    catalogServiceMock.factory({ entities: [] }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => ({ send: async () => {} }),
    }),
  ];
}
