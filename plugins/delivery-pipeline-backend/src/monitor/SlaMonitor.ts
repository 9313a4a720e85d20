import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { eventTypePagePath } from '@data-collection/plugin-event-schemas-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import { SlaCursor, SlaPartition, SlaStore } from './SlaStore';
import { partitionMetrics } from '../metrics';
import { PartitionSignalPublisher } from '../signals/PartitionSignals';
import {
  EventTypePolicy,
  EventTypePolicySource,
} from '../policies/EventTypePolicies';

/** What one run of {@link SlaMonitor} did. */
export type SlaRunSummary = {
  /** Partitions found late and recorded by this run. */
  breached: number;
  /** Breached partitions found delivered and recorded by this run. */
  recovered: number;
  /** Notifications sent (one may cover several partitions). */
  notificationsSent: number;
  /** Notifications that failed; tried again on a later run. */
  notificationsFailed: number;
};

/** The notification topic of SLA breaches and recoveries. */
export const SLA_NOTIFICATION_TOPIC = 'delivery-sla';

/** The notification scope of one partition's breach and its recovery. */
export function slaNotificationScope(eventType: string, start: Date): string {
  return `delivery-pipeline:sla:${eventType}:${start.toISOString()}`;
}

const DEFAULT_LOOKBACK_MS = 7 * 24 * 3_600_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_RESEND_AFTER_MS = 5 * 60_000;
const DEFAULT_SUMMARIZE_ABOVE = 3;

/**
 * Finds partitions past their type's SLA and tells the owning group.
 *
 * A partition is late once `now > end + maxLateness` and it is not
 * delivered, or once delivered with `deliveredAt - end > maxLateness`. Each
 * late partition gets `sla_breached_at` once (a conditional update: of
 * several runs or replicas one wins), and the winner sends one high-severity
 * notification to the owner, scoped to the partition so it is never shown
 * twice, then records `sla_notified_at`. A failed send leaves
 * `sla_notified_at` empty and is sent again by a later run, once the breach
 * is `resendAfterMs` old (so a run does not resend what a concurrent run is
 * still sending). When a breached partition is delivered, `sla_recovered_at`
 * is set to its delivery time and a normal-severity notification in the same
 * scope replaces the first one.
 *
 * No storm: per event type and run, up to `summarizeAbove` partitions are
 * notified one by one; more are covered by one notification in the scope of
 * the oldest of them. Only partitions that ended within `lookbackMs` are
 * looked at.
 */
export class SlaMonitor {
  readonly #store: SlaStore;
  readonly #policies: EventTypePolicySource;
  readonly #notifications: NotificationService;
  readonly #logger: LoggerService;
  readonly #config: Config;
  readonly #signals?: PartitionSignalPublisher;
  readonly #now: () => Date;
  readonly #lookbackMs: number;
  readonly #batchSize: number;
  readonly #resendAfterMs: number;
  readonly #summarizeAbove: number;

  constructor(options: {
    store: SlaStore;
    policies: EventTypePolicySource;
    notifications: NotificationService;
    logger: LoggerService;
    /**
     * The root config: the notifications link to the type's delivery page
     * under `eventSchemas.portal.eventTypesPath`.
     */
    config: Config;
    /** Told of each partition found late, for the portal's open pages. */
    signals?: PartitionSignalPublisher;
    /** Only partitions that ended this recently are checked. Default 7 days. */
    lookbackMs?: number;
    /** Partitions read per query. Default 500. */
    batchSize?: number;
    /** Age of an unsent breach before a run sends it again. Default 5 min. */
    resendAfterMs?: number;
    /** More late partitions of one type in one run are summarised. Default 3. */
    summarizeAbove?: number;
    now?: () => Date;
  }) {
    this.#store = options.store;
    this.#policies = options.policies;
    this.#notifications = options.notifications;
    this.#logger = options.logger;
    this.#config = options.config;
    this.#signals = options.signals;
    this.#now = options.now ?? (() => new Date());
    this.#lookbackMs = options.lookbackMs ?? DEFAULT_LOOKBACK_MS;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#resendAfterMs = options.resendAfterMs ?? DEFAULT_RESEND_AFTER_MS;
    this.#summarizeAbove = options.summarizeAbove ?? DEFAULT_SUMMARIZE_ABOVE;
  }

  /**
   * One check. A type whose policy cannot be read (registry unreachable) is
   * skipped and the run throws at the end, after the other types are done.
   */
  async runOnce(): Promise<SlaRunSummary> {
    const summary: SlaRunSummary = {
      breached: 0,
      recovered: 0,
      notificationsSent: 0,
      notificationsFailed: 0,
    };
    const now = this.#now();
    const endedAfter = new Date(now.getTime() - this.#lookbackMs);
    const errors: Error[] = [];
    const policyOf = async (eventType: string) => {
      try {
        return await this.#policies.get(eventType);
      } catch (error) {
        errors.push(error as Error);
        this.#logger.warn(
          `SLA monitor could not read the policy of ${eventType}; checking it next run`,
          error as Error,
        );
        return undefined;
      }
    };

    // 1. Breaches, recorded once each; this run notifies those it recorded.
    const fresh = new Map<string, SlaPartition[]>();
    for (const eventType of await this.#store.listEventTypesToCheck({
      endedAfter,
      endedBy: now,
    })) {
      const policy = await policyOf(eventType);
      if (!policy) continue;
      const breached = await this.#recordBreaches(policy, now, endedAfter);
      summary.breached += breached.length;
      if (breached.length > 0) fresh.set(eventType, breached);
    }

    // 2. Recoveries of breaches already notified; a breach not notified yet
    // is told as "delivered late" in step 3 instead.
    const recovered = new Map<string, SlaPartition[]>();
    for await (const partition of this.#pages(after =>
      this.#store.listUnrecovered({
        endedAfter,
        limit: this.#batchSize,
        after,
      }),
    )) {
      if (!(await this.#store.recordRecovery(partition))) continue;
      summary.recovered += 1;
      const recoveredAt = partition.deliveredAt!;
      const updated = { ...partition, recoveredAt };
      // Was it told by an earlier run (not the one notifying it below)?
      if (partition.notifiedAt) {
        push(recovered, partition.eventType, updated);
      } else {
        for (const list of fresh.values()) {
          const i = list.findIndex(
            p =>
              p.eventType === partition.eventType &&
              p.start.getTime() === partition.start.getTime(),
          );
          if (i >= 0) list[i] = updated;
        }
      }
    }

    // 3. Breach notifications: this run's, and earlier ones not sent yet.
    const unsent = new Map<string, SlaPartition[]>();
    for (const [type, list] of fresh) unsent.set(type, [...list]);
    const resendBy = new Date(now.getTime() - this.#resendAfterMs);
    for await (const partition of this.#pages(after =>
      this.#store.listUnnotified({
        endedAfter,
        breachedBy: resendBy,
        limit: this.#batchSize,
        after,
      }),
    )) {
      const list = unsent.get(partition.eventType) ?? [];
      if (!list.some(p => p.start.getTime() === partition.start.getTime())) {
        list.push(partition);
      }
      unsent.set(partition.eventType, list);
    }
    for (const [eventType, partitions] of unsent) {
      const policy = await policyOf(eventType);
      if (!policy) continue;
      partitions.sort((a, b) => a.start.getTime() - b.start.getTime());
      if (!policy.owner) {
        if (fresh.has(eventType)) {
          this.#logger.warn(
            `${
              fresh.get(eventType)!.length
            } partitions of ${eventType} are past their SLA, but the type has no owner to notify (it is not registered)`,
          );
        }
        continue;
      }
      await this.#send(
        policy,
        partitions,
        'breach',
        summary,
        async group => {
          await this.#store.recordNotified(group, this.#now());
        },
        async () => {},
      );
    }

    // 4. Recovery notifications, in the scope of the breach they follow.
    for (const [eventType, partitions] of recovered) {
      const policy = await policyOf(eventType);
      if (!policy?.owner) continue;
      await this.#send(
        policy,
        partitions,
        'recovery',
        summary,
        async () => {},
        async group => {
          // Recorded again, and so told again, by the next run.
          for (const partition of group) {
            await this.#store.clearRecovery(partition);
          }
        },
      );
    }

    if (errors.length > 0) {
      throw errors[0];
    }
    return summary;
  }

  async #recordBreaches(
    policy: EventTypePolicy,
    now: Date,
    endedAfter: Date,
  ): Promise<SlaPartition[]> {
    const maxLatenessMs = policy.maxLatenessMs;
    const breachedAt = now;
    const breached: SlaPartition[] = [];
    let after: SlaPartition | undefined;
    for (;;) {
      const batch = await this.#store.listUnbreached({
        eventType: policy.eventType,
        endedAfter,
        endedBefore: new Date(now.getTime() - maxLatenessMs),
        limit: this.#batchSize,
        after,
      });
      for (const partition of batch) {
        const late =
          partition.deliveredAt === undefined ||
          partition.deliveredAt.getTime() - partition.end.getTime() >
            maxLatenessMs;
        if (late && (await this.#store.recordBreach(partition, breachedAt))) {
          partitionMetrics.late.add(1, { event_type: policy.eventType });
          // Once, by the run that recorded the breach.
          this.#signals?.publish({
            eventType: policy.eventType,
            partitionStart: partition.start,
            state: 'late',
          });
          breached.push({
            ...partition,
            breachedAt,
            recoveredAt: partition.deliveredAt,
          });
        }
      }
      if (batch.length < this.#batchSize) {
        return breached;
      }
      after = batch[batch.length - 1];
    }
  }

  /** Every partition of a paged listing, one page at a time. */
  async *#pages(
    list: (after?: SlaCursor) => Promise<SlaPartition[]>,
  ): AsyncGenerator<SlaPartition> {
    let after: SlaCursor | undefined;
    for (;;) {
      const batch = await list(after);
      yield* batch;
      if (batch.length < this.#batchSize) return;
      const last = batch[batch.length - 1];
      after = { key: last.key, eventType: last.eventType };
    }
  }

  /**
   * Sends the notifications of one type's partitions: one each, or one for
   * all when there are more than `summarizeAbove`.
   */
  async #send(
    policy: EventTypePolicy,
    partitions: SlaPartition[],
    kind: 'breach' | 'recovery',
    summary: SlaRunSummary,
    onSent: (partitions: SlaPartition[]) => Promise<void>,
    onFailed: (partitions: SlaPartition[]) => Promise<void>,
  ): Promise<void> {
    const now = this.#now();
    const link = eventTypePagePath(this.#config, policy.eventType, 'delivery');
    const groups =
      partitions.length > this.#summarizeAbove
        ? [partitions]
        : partitions.map(p => [p]);
    for (const group of groups) {
      const payload =
        kind === 'breach'
          ? breachPayload(policy, group, now, link)
          : recoveryPayload(policy, group, link);
      try {
        await this.#notifications.send({
          recipients: { type: 'entity', entityRef: policy.owner! },
          payload,
        });
      } catch (error) {
        summary.notificationsFailed += 1;
        this.#logger.warn(
          `Could not notify ${policy.owner} of the SLA ${kind} of ${group.length} partitions of ${policy.eventType}; trying again on a later run`,
          error as Error,
        );
        await onFailed(group);
        continue;
      }
      summary.notificationsSent += 1;
      await onSent(group);
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `2026-11-23 10:00 UTC` (seconds only when not zero). */
function label(date: Date): string {
  const iso = date.toISOString();
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${
    seconds === '00' ? '' : `:${seconds}`
  } UTC`;
}

function span(partition: SlaPartition): string {
  return `${label(partition.start)} to ${label(partition.end)}`;
}

/** Whole minutes, at least 1 when there is any delay. */
function minutes(ms: number): number {
  return ms <= 0 ? 0 : Math.max(1, Math.round(ms / 60_000));
}

function lateness(partition: SlaPartition, now: Date): string {
  if (partition.deliveredAt) {
    return `was delivered ${minutes(
      partition.deliveredAt.getTime() - partition.end.getTime(),
    )} minutes after its end`;
  }
  return `is not delivered ${minutes(
    now.getTime() - partition.end.getTime(),
  )} minutes after its end (it is ${partition.state})`;
}

function breachPayload(
  policy: EventTypePolicy,
  partitions: SlaPartition[],
  now: Date,
  link: string,
): NotificationPayload {
  const first = partitions[0];
  const common = {
    link,
    severity: 'high' as const,
    topic: SLA_NOTIFICATION_TOPIC,
    scope: slaNotificationScope(policy.eventType, first.start),
  };
  if (partitions.length === 1) {
    return {
      ...common,
      title: `Late delivery: ${policy.eventType}, ${label(first.start)}`,
      description: `The partition of ${policy.eventType} from ${span(
        first,
      )} ${lateness(first, now)}; its SLA allows ${policy.maxLateness}.`,
    };
  }
  const last = partitions[partitions.length - 1];
  const undelivered = partitions.filter(p => !p.deliveredAt).length;
  return {
    ...common,
    title: `Late delivery: ${partitions.length} partitions of ${policy.eventType}`,
    description: `${partitions.length} partitions of ${
      policy.eventType
    } from ${label(first.start)} to ${label(last.end)} are past their SLA of ${
      policy.maxLateness
    }; ${undelivered} of them are not delivered yet. The oldest ${lateness(
      first,
      now,
    )}.`,
  };
}

function recoveryPayload(
  policy: EventTypePolicy,
  partitions: SlaPartition[],
  link: string,
): NotificationPayload {
  const first = partitions[0];
  const late = partitions.map(p =>
    minutes(p.deliveredAt!.getTime() - p.end.getTime()),
  );
  const common = {
    link,
    severity: 'normal' as const,
    topic: SLA_NOTIFICATION_TOPIC,
    scope: slaNotificationScope(policy.eventType, first.start),
  };
  if (partitions.length === 1) {
    return {
      ...common,
      title: `Delivered late: ${policy.eventType}, ${label(first.start)}`,
      description: `The partition of ${policy.eventType} from ${span(
        first,
      )} was delivered ${
        late[0]
      } minutes late (after its end), past its SLA of ${policy.maxLateness}.`,
    };
  }
  const last = partitions[partitions.length - 1];
  return {
    ...common,
    title: `Delivered late: ${partitions.length} partitions of ${policy.eventType}`,
    description: `${partitions.length} late partitions of ${
      policy.eventType
    } from ${label(first.start)} to ${label(
      last.end,
    )} were delivered between ${Math.min(...late)} and ${Math.max(
      ...late,
    )} minutes late (after their end), past their SLA of ${
      policy.maxLateness
    }.`,
  };
}
