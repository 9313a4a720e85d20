// Search with this module on http://localhost:7007: the search backend
// (Lunr), the schema registry with the repo's demo event types, the catalog,
// permissions and the events bus, with mocked auth and the repo's
// app-config.yaml:
//
//   yarn workspace @data-collection/plugin-search-backend-module-event-schemas start
//   curl 'http://localhost:7007/api/search/query?term=track_id' -H 'Authorization: Bearer mock-user-token'
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { permissionModuleEventSchemasPolicy } from '@data-collection/plugin-event-schemas-backend';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleEventSchemasPolicy);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@data-collection/plugin-event-schemas-backend'));
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('../src'));
backend.start();
