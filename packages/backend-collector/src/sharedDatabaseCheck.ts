import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';

/**
 * Refuses to start a collector whose events would stay in its own process:
 * the split needs the PostgreSQL server the portal uses and a transport
 * every collector shares. With the local default (SQLite, the local
 * transport's files) a collector would acknowledge events into a file no
 * other process drains, and a replaced pod would take them along.
 */
export const sharedDatabaseCheck = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    const client = config.getOptionalString('backend.database.client');
    if (client !== 'pg') {
      throw new Error(
        `The collector needs the portal's PostgreSQL server (backend.database.client: pg), not '${client}': load app-config.production.yaml`,
      );
    }
    const transport =
      config.getOptionalString('deliveryPipeline.transport.type') ?? 'local';
    if (transport === 'local') {
      throw new Error(
        "The collector needs a transport its replicas share (deliveryPipeline.transport.type: database, or Pub/Sub through the GCP module), not 'local': load app-config.production.yaml",
      );
    }
  },
});
