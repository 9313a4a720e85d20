/*
 * The portal's backend: the stock Backstage plugins a portal user expects,
 * plus the data collection suite (event-schemas, delivery-pipeline).
 */

import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { createStartupGate } from '@data-collection/plugin-delivery-pipeline-backend';
import { createEventSchemasPolicyModule } from '@data-collection/plugin-event-schemas-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { guestSignInWhenConfigured } from './guestSignIn';
import { localDirectoryUrlReaderFactory } from './localDirectoryReader';

const backend = createBackend();

// Until every plugin is mounted, /api answers 503 with Retry-After rather
// than 404, so producers retry instead of dropping events.
backend.add(
  rootHttpRouterServiceFactory({
    configure({ app, lifecycle, config, applyDefaults }) {
      app.use('/api', createStartupGate({ lifecycle, config }));
      applyDefaults();
    },
  }),
);

// Reads the local directories of eventSchemas.sync.localDirectories, so
// that the demo syncs examples/event-types/ from its file: location.
backend.add(localDirectoryUrlReaderFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Sign-in: the guest provider is for local use only (see guestSignIn.ts);
// production adds its own provider (README, "Production sign-in").
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(guestSignInWhenConfigured);

// Catalog: event types, datasets, producers and consumers live here.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Template entities, for the scaffolder.
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// Permissions: the suite's policy decides its own permissions (registering,
// changing, producing and reading an event type's data: its owner group and
// eventSchemas.permissions.adminGroups). It defers every other permission
// to the fallback composed here. This portal runs only stock plugins
// (catalog, search, notifications...), which Backstage's default portal
// leaves to the allow-all policy: the same here, stated explicitly. An
// adopter with a policy of their own passes it as the fallback instead.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  createEventSchemasPolicyModule({
    fallback: { handle: async () => ({ result: AuthorizeResult.ALLOW }) },
  }),
);

// Search: PostgreSQL's full-text search when the database is PostgreSQL,
// the built-in Lunr engine otherwise (the pg module steps aside on SQLite).
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
// Event types in search, found by name, title, owner, tags and schema fields;
// each result shown to whom event-schemas.event-type.read allows.
backend.add(
  import('@data-collection/plugin-search-backend-module-event-schemas'),
);

// Scaffolder: software templates (examples/templates), with GitHub's
// actions (publish:github:pull-request) and the suite's event type actions.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@data-collection/plugin-scaffolder-backend-module-event-schemas'),
);

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// The event bus that catalog, notifications and signals publish on.
backend.add(import('@backstage/plugin-events-backend'));

// The data collection suite.
backend.add(import('@data-collection/plugin-event-schemas-backend'));
// Every event type becomes an API entity in the catalog.
backend.add(
  import('@data-collection/plugin-catalog-backend-module-event-schemas'),
);
backend.add(import('@data-collection/plugin-delivery-pipeline-backend'));
// Demo traffic where deliveryPipeline.demo.traffic.enabled says so
// (app-config.yaml); inert without.
backend.add(
  import(
    '@data-collection/plugin-delivery-pipeline-backend-module-demo-traffic'
  ),
);
// Google Cloud: Pub/Sub, Cloud Storage and BigQuery where
// deliveryPipeline.gcp configures them (app-config.gcp.yaml); inert without.
backend.add(
  import('@data-collection/plugin-delivery-pipeline-backend-module-gcp'),
);
// Every event type's delivered data becomes a dataset Resource entity.
backend.add(
  import('@data-collection/plugin-catalog-backend-module-delivery-pipeline'),
);

// AI tools through MCP, at /api/mcp-actions/v1: the actions of the plugins
// in backend.actions.pluginSources (app-config.yaml), each deciding and
// auditing as its HTTP route does for the caller.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
