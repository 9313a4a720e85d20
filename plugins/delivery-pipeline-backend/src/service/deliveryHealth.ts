import {
  NotFoundError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import {
  EventTypeHealth,
  Partition,
} from '@data-collection/plugin-delivery-pipeline-common';
import { PartitionReadStore } from './PartitionReadStore';
import { SlaPolicy, summarizeHealth, withSlaMet } from './partitionViews';

/** A type's policy as the read side needs it, from the registry's views. */
export type PolicyOf = (
  eventType: string,
) => Promise<SlaPolicy & { registered: boolean }>;

/**
 * Reads policies through `policies`, a registry failure being a 503 that
 * names the type rather than a 500.
 */
export function policyReader(policies: {
  get(eventType: string): Promise<SlaPolicy & { registered: boolean }>;
}): PolicyOf {
  return async eventType => {
    try {
      return await policies.get(eventType);
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not read the SLA of '${eventType}' from the schema registry: ${
          toError(error).message
        }`,
      );
    }
  };
}

/**
 * The delivery health of one type over `[from, to)`: what `GET
 * /event-types/{name}/health` answers (the route adds the deprecated
 * fields) and the get-delivery-health action returns. Also gives the
 * partitions it was computed from, with `slaMet`, and the policy, for the
 * list-late-partitions action. `NotFoundError` for a name neither
 * registered nor ever received.
 */
export async function deliveryHealth(options: {
  partitions: PartitionReadStore;
  policyOf: PolicyOf;
  eventType: string;
  from: Date;
  to: Date;
  now?: Date;
}): Promise<{
  health: EventTypeHealth;
  partitions: Partition[];
  policy: SlaPolicy;
}> {
  const { partitions, eventType, from, to } = options;
  const now = options.now ?? new Date();
  const policy = await options.policyOf(eventType);
  // Partitions whose deadline falls in the window may have started up to
  // the SLA before it.
  const listed = await partitions.listPartitions({
    eventType,
    from: new Date(from.getTime() - policy.maxLatenessMs),
    to,
  });
  const [lastDelivered] = await partitions.listPartitions({
    eventType,
    state: 'delivered',
    limit: 1,
  });
  if (listed.length === 0 && !lastDelivered && !policy.registered) {
    // A registered type with no events yet has a (quiet) health; a name
    // that is neither registered nor ever received is a mistake.
    const [any] = await partitions.listPartitions({ eventType, limit: 1 });
    if (!any) {
      throw new NotFoundError(
        `Event type '${eventType}' is not registered and no partitions of it were ever received`,
      );
    }
  }
  const withSla = await withSlaMet(listed, async () => policy, now);
  const health = summarizeHealth({
    eventType,
    from,
    to,
    policy,
    partitions: withSla,
    lastDelivered,
    now,
  });
  return { health, partitions: withSla, policy };
}
