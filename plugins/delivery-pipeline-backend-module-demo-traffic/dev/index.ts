// The delivery pipeline with demo traffic on http://localhost:7007: the
// schema registry (with the repo's demo event types), the pipeline, this
// module, permissions and the events bus, with mocked auth and the repo's
// app-config.yaml (which enables the traffic):
//
//   yarn workspace @data-collection/plugin-delivery-pipeline-backend-module-demo-traffic start
//   curl http://localhost:7007/api/delivery-pipeline/partitions -H 'Authorization: Bearer mock-user-token'
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { permissionModuleEventSchemasPolicy } from '@data-collection/plugin-event-schemas-backend';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleEventSchemasPolicy);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@data-collection/plugin-event-schemas-backend'));
backend.add(import('@data-collection/plugin-delivery-pipeline-backend'));
backend.add(import('../src'));
backend.start();
