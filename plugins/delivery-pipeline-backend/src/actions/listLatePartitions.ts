import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { deliveryHealth, PolicyOf } from '../service/deliveryHealth';
import { PartitionReadStore } from '../service/PartitionReadStore';
import { isSlaDecidedIn, listMissingWindows } from '../service/partitionViews';
import {
  eventTypeInput,
  healthInput,
  requireCaller,
  windowInput,
} from './shared';

/** Most partitions, and windows, one answer lists. */
const MAX_LISTED = 500;

/**
 * `list-late-partitions`: the partitions behind the health's missed SLAs
 * and missing windows, from the same data as get-delivery-health (so
 * `late` has `slaCompliance.due - met` entries and `missingTotal` is
 * `partitions.missing`).
 */
export function registerListLatePartitionsAction(options: {
  actionsRegistry: ActionsRegistryService;
  partitions: PartitionReadStore;
  policyOf: PolicyOf;
  maxWindowMs: number;
}) {
  const { actionsRegistry, partitions, policyOf, maxWindowMs } = options;
  actionsRegistry.register({
    name: 'list-late-partitions',
    title: 'List late and missing partitions of an event type',
    description: `Lists the partitions (time windows of an event type's data) that missed their SLA in a window (the last day by default): delivered later than the type's maximum lateness after the partition's end, or still not delivered past that deadline. Also lists the missing windows: windows past their deadline for which the pipeline has no partition at all (a stalled consumer or completionist; a window without events is delivered empty, not missing). At most ${MAX_LISTED} of each, oldest first.`,
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => healthInput(z),
      output: z =>
        z.object({
          eventType: z.string(),
          window: z.object({ from: z.string(), to: z.string() }),
          maxLatenessMs: z.number(),
          late: z.array(
            z.object({
              start: z.string(),
              end: z.string(),
              state: z.string(),
              deadline: z
                .string()
                .describe('When it should have been delivered by'),
              deliveredAt: z.string().optional(),
              latenessMs: z
                .number()
                .optional()
                .describe('How long after its end it was delivered'),
              received: z.number().describe('Events received in it'),
            }),
          ),
          lateTotal: z.number(),
          missing: z.array(
            z.object({
              start: z.string(),
              end: z.string(),
              deadline: z.string(),
            }),
          ),
          missingTotal: z.number(),
        }),
    },
    action: async ({ input, credentials }) => {
      requireCaller(credentials);
      const eventType = eventTypeInput(input.eventType);
      const { from, to } = windowInput(input, maxWindowMs);
      const now = new Date();
      const found = await deliveryHealth({
        partitions,
        policyOf,
        eventType,
        from,
        to,
        now,
      });
      const { maxLatenessMs } = found.policy;
      const deadlineOf = (end: string) =>
        new Date(Date.parse(end) + maxLatenessMs).toISOString();
      const late = found.partitions.filter(
        partition =>
          partition.slaMet === false &&
          isSlaDecidedIn({ partition, policy: found.policy, from, to }),
      );
      const missing = listMissingWindows({
        partitions: found.partitions,
        from,
        to,
        deadline: now.getTime() - maxLatenessMs,
        limit: MAX_LISTED,
      });
      return {
        output: {
          eventType,
          window: found.health.window,
          maxLatenessMs,
          late: late.slice(0, MAX_LISTED).map(p => ({
            start: p.start,
            end: p.end,
            state: p.state,
            deadline: deadlineOf(p.end),
            deliveredAt: p.deliveredAt,
            latenessMs: p.latenessMs,
            received: p.counts.received,
          })),
          lateTotal: late.length,
          missing: missing.map(window => ({
            ...window,
            deadline: deadlineOf(window.end),
          })),
          missingTotal: found.health.partitions.missing ?? missing.length,
        },
      };
    },
  });
}
