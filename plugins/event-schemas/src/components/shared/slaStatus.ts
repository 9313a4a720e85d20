import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';

/** How well a type's partitions kept their SLA over a window, at a glance. */
export const SLA_STATUSES = ['ok', 'warning', 'breached', 'no-data'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

export const SLA_STATUS_LABELS: Record<SlaStatus, string> = {
  ok: 'OK',
  warning: 'Warning',
  breached: 'Breached',
  'no-data': 'No data',
};

// With hourly partitions one late hour in a day is 95.8% (a warning) and
// two are 91.7% (a breach); with many short partitions, as in a demo, a
// single late one stays above 99%, which is noise rather than an incident.
const OK_FROM = 0.99;
const WARNING_FROM = 0.95;

/**
 * The status of a window's SLA compliance; `no-data` when no partition's
 * deadline fell in it (or the type received nothing), which is not a failure.
 */
export function slaStatusOf(
  compliance: EventTypeHealth['slaCompliance'] | undefined,
): SlaStatus {
  const rate = compliance?.compliance;
  if (rate === undefined || !compliance?.due) return 'no-data';
  if (rate >= OK_FROM) return 'ok';
  if (rate >= WARNING_FROM) return 'warning';
  return 'breached';
}

const RANK: Record<SlaStatus, number> = {
  breached: 0,
  warning: 1,
  ok: 2,
  'no-data': 3,
};

/** Worst status first, then lowest compliance; for sorting. */
export function compareCompliance(
  a: EventTypeHealth['slaCompliance'] | undefined,
  b: EventTypeHealth['slaCompliance'] | undefined,
): number {
  return (
    RANK[slaStatusOf(a)] - RANK[slaStatusOf(b)] ||
    (a?.compliance ?? 2) - (b?.compliance ?? 2)
  );
}
