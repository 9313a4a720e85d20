import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { PolicyOf } from '../service/deliveryHealth';
import { PartitionReadStore } from '../service/PartitionReadStore';
import { registerGetDeliveryHealthAction } from './getDeliveryHealth';
import { registerListLatePartitionsAction } from './listLatePartitions';

/**
 * The pipeline's actions (AI tools through MCP, with
 * `@backstage/plugin-mcp-actions-backend`): read-only views of delivery
 * health, from the functions the HTTP routes use.
 */
export function registerDeliveryActions(options: {
  actionsRegistry: ActionsRegistryService;
  partitions: PartitionReadStore;
  policyOf: PolicyOf;
  /** The most one answer covers (deliveryPipeline.api.maxWindow). */
  maxWindowMs: number;
}) {
  registerGetDeliveryHealthAction(options);
  registerListLatePartitionsAction(options);
}
