import {
  EventTypeHealth,
  Partition,
} from '@data-collection/plugin-delivery-pipeline-common';

/** The part of an event type's policy the views need. */
export type SlaPolicy = {
  maxLatenessMs: number;
  slaSource: 'registry' | 'default';
};

/**
 * Whether a partition met its SLA: delivered within it, or not yet delivered
 * and already past it; undefined while it still may.
 */
export function slaMetOf(
  partition: Partition,
  policy: SlaPolicy,
  now: Date,
): boolean | undefined {
  if (partition.latenessMs !== undefined) {
    return partition.latenessMs <= policy.maxLatenessMs;
  }
  if (partition.state === 'expired') {
    // Delivered once (retention only expires delivered partitions); its
    // delivery time is still recorded, so this is not reached in practice.
    return undefined;
  }
  return now.getTime() > Date.parse(partition.end) + policy.maxLatenessMs
    ? false
    : undefined;
}

/** Partitions with `slaMet` filled in from each type's policy. */
export async function withSlaMet(
  partitions: Partition[],
  policyOf: (eventType: string) => Promise<SlaPolicy>,
  now: Date,
): Promise<Partition[]> {
  const policies = new Map<string, SlaPolicy>();
  for (const eventType of new Set(partitions.map(p => p.eventType))) {
    policies.set(eventType, await policyOf(eventType));
  }
  return partitions.map(partition => ({
    ...partition,
    slaMet: slaMetOf(partition, policies.get(partition.eventType)!, now),
  }));
}

/**
 * Whether a partition's SLA outcome (`slaMet`, filled in) was decided in
 * `[from, to)`: met when delivered in time (so an on-time delivery counts
 * at once, not hours later at its deadline), missed at the deadline.
 */
export function isSlaDecidedIn(options: {
  partition: Partition;
  policy: SlaPolicy;
  from: Date;
  to: Date;
}): boolean {
  const { partition: p, policy, from, to } = options;
  if (p.slaMet === undefined) return false;
  const decidedAt = p.slaMet
    ? Date.parse(p.deliveredAt!)
    : Date.parse(p.end) + policy.maxLatenessMs;
  return decidedAt >= from.getTime() && decidedAt < to.getTime();
}

/**
 * The delivery health of one type over a window, from its partitions that
 * overlap the window (with `slaMet` filled in) and its latest delivered one.
 */
export function summarizeHealth(options: {
  eventType: string;
  from: Date;
  to: Date;
  policy: SlaPolicy;
  partitions: Partition[];
  lastDelivered?: Partition;
  /** When given, windows missing by then are counted (`partitions.missing`). */
  now?: Date;
}): EventTypeHealth {
  const { eventType, from, to, policy, partitions, lastDelivered } = options;
  // SLA compliance counts the partitions whose outcome was decided in the
  // window: met when delivered in time (so an on-time delivery counts at
  // once, not hours later at its deadline), missed at the deadline. Lateness
  // counts those delivered in the window.
  const due = partitions.filter(p =>
    isSlaDecidedIn({ partition: p, policy, from, to }),
  );
  const met = due.filter(p => p.slaMet).length;
  const lateness = partitions
    .filter(p => {
      if (p.deliveredAt === undefined) return false;
      const at = Date.parse(p.deliveredAt);
      return at >= from.getTime() && at < to.getTime();
    })
    .map(p => p.latenessMs!)
    .sort((a, b) => a - b);

  const inWindow = partitions.filter(
    p =>
      Date.parse(p.start) >= from.getTime() &&
      Date.parse(p.start) < to.getTime(),
  );
  const states: EventTypeHealth['partitions'] = {
    open: 0,
    closed: 0,
    delivered: 0,
    expired: 0,
    empty: 0,
  };
  const volume = {
    received: 0,
    delivered: 0,
    duplicates: 0,
    conflicts: 0,
    failed: 0,
  };
  for (const p of inWindow) {
    states[p.state] += 1;
    if (p.empty) states.empty! += 1;
    volume.received += p.counts.received;
    volume.delivered += p.counts.delivered ?? 0;
    volume.duplicates += p.counts.duplicates;
    volume.conflicts += p.counts.conflicts;
    volume.failed += p.counts.failed;
  }
  // Rates over delivered partitions only: an open one has not been
  // deduplicated yet, so its duplicates are unknown, not zero.
  const decided = inWindow.filter(p => p.counts.delivered !== undefined);
  const decidedReceived = sum(decided.map(p => p.counts.received));
  const decidedDuplicates = sum(
    decided.map(p => p.counts.duplicates + p.counts.conflicts),
  );
  const decidedFailed = sum(decided.map(p => p.counts.failed));

  if (options.now) {
    states.missing = countMissingWindows({
      partitions,
      from,
      to,
      deadline: options.now.getTime() - policy.maxLatenessMs,
    });
  }

  return {
    eventType,
    window: { from: from.toISOString(), to: to.toISOString() },
    sla: { maxLatenessMs: policy.maxLatenessMs, source: policy.slaSource },
    slaCompliance: {
      due: due.length,
      met,
      compliance: due.length ? met / due.length : undefined,
    },
    latenessMs: {
      p50: percentile(lateness, 0.5),
      p95: percentile(lateness, 0.95),
      max: lateness.length ? lateness[lateness.length - 1] : undefined,
    },
    lastDelivered: lastDelivered?.deliveredAt
      ? {
          start: lastDelivered.start,
          end: lastDelivered.end,
          deliveredAt: lastDelivered.deliveredAt,
        }
      : undefined,
    partitions: states,
    volume,
    duplicateRate: decidedReceived
      ? decidedDuplicates / decidedReceived
      : undefined,
    failedRate:
      decidedReceived + decidedFailed
        ? decidedFailed / (decidedReceived + decidedFailed)
        : undefined,
  };
}

/**
 * Windows in `[from, to)` without a partition that ended at or before
 * `deadline`, from the type's first listed partition on, in the width of
 * its partitions (the narrowest, should the width have been changed): the
 * windows expected there less those its partitions cover, so the work is
 * per partition, not per window.
 */
export function countMissingWindows(options: {
  partitions: Partition[];
  from: Date;
  to: Date;
  deadline: number;
}): number {
  const spans = options.partitions.map(p => ({
    start: Date.parse(p.start),
    end: Date.parse(p.end),
  }));
  if (spans.length === 0) return 0;
  const widthMs = Math.min(...spans.map(p => p.end - p.start));
  const earliest = Math.min(...spans.map(p => p.start));
  // The first whole window of the type's grid inside the range.
  const first =
    earliest +
    Math.max(0, Math.ceil((options.from.getTime() - earliest) / widthMs)) *
      widthMs;
  const last = Math.min(options.to.getTime(), options.deadline);
  const expected = Math.floor((last - first) / widthMs);
  if (expected <= 0) return 0;
  const limit = first + expected * widthMs;
  let covered = 0;
  for (const span of spans) {
    const start = Math.max(span.start, first);
    const end = Math.min(span.end, limit);
    if (end > start) covered += Math.round((end - start) / widthMs);
  }
  return Math.max(0, expected - covered);
}

/**
 * The windows that {@link countMissingWindows} counts, oldest first, at
 * most `limit` of them: each window of the type's grid with no partition
 * overlapping it.
 */
export function listMissingWindows(options: {
  partitions: Partition[];
  from: Date;
  to: Date;
  deadline: number;
  limit: number;
}): Array<{ start: string; end: string }> {
  const spans = options.partitions
    .map(p => ({ start: Date.parse(p.start), end: Date.parse(p.end) }))
    .sort((a, b) => a.start - b.start);
  if (spans.length === 0) return [];
  const widthMs = Math.min(...spans.map(p => p.end - p.start));
  const earliest = spans[0].start;
  const first =
    earliest +
    Math.max(0, Math.ceil((options.from.getTime() - earliest) / widthMs)) *
      widthMs;
  const last = Math.min(options.to.getTime(), options.deadline);
  const missing: Array<{ start: string; end: string }> = [];
  // Spans are sorted by start: one pass over both.
  let next = 0;
  let coveredUntil = -Infinity;
  for (
    let start = first;
    start + widthMs <= last && missing.length < options.limit;
    start += widthMs
  ) {
    while (next < spans.length && spans[next].start < start + widthMs) {
      coveredUntil = Math.max(coveredUntil, spans[next].end);
      next += 1;
    }
    if (coveredUntil <= start) {
      missing.push({
        start: new Date(start).toISOString(),
        end: new Date(start + widthMs).toISOString(),
      });
    }
  }
  return missing;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
