// A real backend with only what the delivery pipeline needs: the schema
// registry, the pipeline, permissions and the events bus, with real
// external-access tokens. The reliability tests and the ingest benchmark
// start it (several times, and SIGKILL it) because it starts in seconds,
// where the whole portal takes tens of seconds:
//
//   node --require @backstage/cli/config/nodeTransform.cjs \
//     plugins/delivery-pipeline-backend/dev/pipelineBackend.ts --config my-config.yaml
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { permissionModuleEventSchemasPolicy } from '@data-collection/plugin-event-schemas-backend';
import { createStartupGate } from '../src';

const backend = createBackend();
// As in the portal's backend (packages/backend): 503 until started.
backend.add(
  rootHttpRouterServiceFactory({
    configure({ app, lifecycle, config, applyDefaults }) {
      app.use('/api', createStartupGate({ lifecycle, config }));
      applyDefaults();
    },
  }),
);
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleEventSchemasPolicy);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@data-collection/plugin-event-schemas-backend'));
backend.add(import('../src'));
backend.start();
