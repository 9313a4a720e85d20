// Runs this plugin alone on http://localhost:7007 with the repo's
// app-config.yaml and mocked auth, for working on it in isolation:
//
//   yarn workspace @data-collection/plugin-delivery-pipeline-backend start
//   curl http://localhost:7007/api/delivery-pipeline/health
//   curl http://localhost:7007/api/delivery-pipeline/partitions -H 'Authorization: Bearer mock-user-token'
//
// Without the schema registry or demo traffic: the start script of
// plugins/delivery-pipeline-backend-module-demo-traffic runs the pipeline
// with both.
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
