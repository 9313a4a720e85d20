import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { deliveryPipelineProducerExtensionPoint } from '@data-collection/plugin-delivery-pipeline-node';
import { HttpEventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { readDemoTrafficConfig } from './config';
import { DemoTraffic } from './DemoTraffic';

/**
 * Delivery pipeline module that sends demo traffic through the pipeline's
 * ingest while `deliveryPipeline.demo.traffic.enabled` is true: realistic
 * events of the demo event types, with resends, conflicting ids, invalid
 * events and client delay, so that a local portal has partitions to show.
 *
 * @public
 */
export const deliveryPipelineModuleDemoTraffic = createBackendModule({
  pluginId: 'delivery-pipeline',
  moduleId: 'demo-traffic',
  register(reg) {
    reg.registerInit({
      deps: {
        producers: deliveryPipelineProducerExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ producers, config, logger, auth, discovery }) {
        // Read even when off, so a wrong rate fails the start, not the day
        // someone turns it on.
        const demo = readDemoTrafficConfig(config);
        if (!demo.enabled) return;
        const registry = new HttpEventTypeReader({ auth, discovery });
        producers.addProducer(
          new DemoTraffic({
            eventsPerSecond: demo.eventsPerSecond,
            logger: logger.child({ task: 'demo-traffic' }),
            isRegistered: async name =>
              (await registry.getEventType(name)) !== undefined,
          }),
        );
      },
    });
  },
});
