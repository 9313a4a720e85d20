import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { deliveryHealth, PolicyOf } from '../service/deliveryHealth';
import { PartitionReadStore } from '../service/PartitionReadStore';
import {
  eventTypeInput,
  healthInput,
  requireCaller,
  windowInput,
} from './shared';

/**
 * `get-delivery-health`: what `GET /event-types/{name}/health` answers (from
 * the same function), without the deprecated fields. Delivery health takes
 * no permission beyond signing in, as for the route.
 */
export function registerGetDeliveryHealthAction(options: {
  actionsRegistry: ActionsRegistryService;
  partitions: PartitionReadStore;
  policyOf: PolicyOf;
  maxWindowMs: number;
}) {
  const { actionsRegistry, partitions, policyOf, maxWindowMs } = options;
  actionsRegistry.register({
    name: 'get-delivery-health',
    title: 'Get the delivery health of an event type',
    description: `How well the delivery pipeline delivered an event type's data over a window (the last day by default): its SLA (the most a partition may be late), SLA compliance of the partitions decided in the window, lateness percentiles in milliseconds, partition counts by state (open, closed, delivered, expired, empty, missing: windows without a partition past their deadline), event volumes (received, delivered, duplicates, conflicts, failed), duplicate and failed rates, and the last delivered partition. Use list-late-partitions for which partitions were late or missing.`,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => healthInput(z),
      output: z =>
        z.object({
          eventType: z.string(),
          window: z.object({ from: z.string(), to: z.string() }),
          sla: z.object({ maxLatenessMs: z.number(), source: z.string() }),
          slaCompliance: z.object({
            due: z.number(),
            met: z.number(),
            compliance: z.number().optional(),
          }),
          latenessMs: z.object({
            p50: z.number().optional(),
            p95: z.number().optional(),
            max: z.number().optional(),
          }),
          lastDelivered: z
            .object({
              start: z.string(),
              end: z.string(),
              deliveredAt: z.string(),
            })
            .optional(),
          partitions: z.record(z.number()),
          volume: z.record(z.number()),
          duplicateRate: z.number().optional(),
          failedRate: z.number().optional(),
        }),
    },
    action: async ({ input, credentials }) => {
      requireCaller(credentials);
      const eventType = eventTypeInput(input.eventType);
      const { from, to } = windowInput(input, maxWindowMs);
      const { health } = await deliveryHealth({
        partitions,
        policyOf,
        eventType,
        from,
        to,
      });
      return { output: health };
    },
  });
}
