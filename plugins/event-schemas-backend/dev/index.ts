// Runs this plugin alone on http://localhost:7007 with the repo's
// app-config.yaml and mocked auth, for working on it in isolation:
//
//   yarn workspace @data-collection/plugin-event-schemas-backend start
//   curl http://localhost:7007/api/event-schemas/health
//   curl http://localhost:7007/api/event-schemas/event-types -H 'Authorization: Bearer mock-user-token'
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
