import { createApiRef } from '@backstage/core-plugin-api';
import { DeliveryPipelineClient } from '@data-collection/plugin-delivery-pipeline-common';

/**
 * The delivery pipeline's HTTP API (`/api/delivery-pipeline`): reads, and
 * erasing a data subject.
 *
 * @public
 */
export type DeliveryPipelineApi = {
  [K in keyof DeliveryPipelineClient]: DeliveryPipelineClient[K];
};

/**
 * The delivery pipeline API's ref; the plugin provides the client for it.
 *
 * @public
 */
export const deliveryPipelineApiRef = createApiRef<DeliveryPipelineApi>({
  id: 'plugin.event-schemas.delivery-pipeline',
});
