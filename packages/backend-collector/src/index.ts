/*
 * The collector: a backend with only the delivery pipeline (ingest, the
 * transport's consumer and the scheduled stages), deployed apart from the
 * portal so that a portal restart or upgrade never stops events being
 * accepted, and scaled on the transport's backlog
 * (deploy/kubernetes/collector.yaml).
 *
 * Everything else it needs lives in the portal's backend (packages/backend)
 * and is reached through discovery (app-config.collector.yaml): the schema
 * registry (event-schemas), the permission backend, the events bus (the
 * registry's change events, the pipeline's signals) and notifications (SLA
 * breaches). Every collector and the portal share one PostgreSQL server, so
 * they share the pipeline's database: its transport (`database`), its
 * scheduler locks (each stage runs once at a time across all of them) and
 * its plugin keys, which the portal's copy of the plugin publishes for the
 * portal's plugins to verify the collectors' service tokens.
 */

import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { createStartupGate } from '@data-collection/plugin-delivery-pipeline-backend';

const backend = createBackend();

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
