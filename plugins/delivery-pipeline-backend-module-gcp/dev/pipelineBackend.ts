// The delivery pipeline's dev backend (registry, pipeline, permissions,
// events) with this module added: what the reliability test starts, with
// `deliveryPipeline.gcp` pointing at the fakes of dev/fakeGcp.ts.
//
//   node --require @backstage/cli/config/nodeTransform.cjs \
//     plugins/delivery-pipeline-backend-module-gcp/dev/pipelineBackend.ts --config my-config.yaml
import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleEventSchemasPolicy } from '@data-collection/plugin-event-schemas-backend';
import { deliveryPipelineModuleGcp } from '../src';

const backend = createBackend();
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleEventSchemasPolicy);
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@data-collection/plugin-event-schemas-backend'));
backend.add(import('@data-collection/plugin-delivery-pipeline-backend'));
// The pipeline's module only: this backend has no catalog for the other.
backend.add(deliveryPipelineModuleGcp);
backend.start();
