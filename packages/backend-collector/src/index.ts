/*
 * The collector: a backend with only the delivery pipeline (ingest, the
 * transport's consumer and the scheduled stages), deployed apart from the
 * portal and scaled on the transport's backlog (deploy/kubernetes/), so
 * that producers reach a deployment that does nothing else.
 *
 * The rest lives in the portal's backend (packages/backend), reached
 * through discovery (app-config.collector.yaml): the schema registry, the
 * permission backend, the events bus and notifications. The collectors and
 * the portal use one PostgreSQL server, so one pipeline database: its
 * `database` transport, its scheduler's locks and partition leases (each
 * piece of work done once, whichever process takes it) and its plugin keys,
 * which the portal's copy of the plugin publishes for the portal's plugins
 * to verify the collectors' service tokens.
 */

import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { createStartupGate } from '@data-collection/plugin-delivery-pipeline-backend';
import { sharedDatabaseCheck } from './sharedDatabaseCheck';

const backend = createBackend();

// Only on the portal's PostgreSQL server, with a shared transport.
backend.add(sharedDatabaseCheck);

// As in the portal's backend: until the pipeline is mounted, /api answers
// 503 with Retry-After rather than 404, so producers retry on a collector
// that is still starting.
backend.add(
  rootHttpRouterServiceFactory({
    configure({ app, lifecycle, config, applyDefaults }) {
      app.use('/api', createStartupGate({ lifecycle, config }));
      applyDefaults();
    },
  }),
);

backend.add(import('@data-collection/plugin-delivery-pipeline-backend'));
// Google Cloud: Pub/Sub, Cloud Storage and BigQuery where deliveryPipeline.gcp
// configures them (app-config.gcp.yaml); inert without. The same modules as
// the portal's copy of the pipeline, or the two would disagree on where
// events and partitions are.
backend.add(
  import('@data-collection/plugin-delivery-pipeline-backend-module-gcp'),
);

backend.start();
