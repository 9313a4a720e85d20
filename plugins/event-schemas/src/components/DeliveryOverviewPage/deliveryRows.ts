import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { compareCompliance } from '../shared';

/** One event type's delivery over the last day and the last week. */
export type DeliveryRow = {
  name: string;
  /** From the registry; absent for a type it no longer has, or if it failed. */
  eventType?: EventType;
  day?: EventTypeHealth;
  week?: EventTypeHealth;
};

/**
 * A row for every type with partitions in the last week, then one for every
 * registered type without any, worst first.
 */
export function deliveryRows(options: {
  day: EventTypeHealth[];
  week: EventTypeHealth[];
  eventTypes?: EventType[];
}): DeliveryRow[] {
  const rows = new Map<string, DeliveryRow>();
  const rowOf = (name: string) => {
    let row = rows.get(name);
    if (!row) {
      row = { name };
      rows.set(name, row);
    }
    return row;
  };
  for (const health of options.week) rowOf(health.eventType).week = health;
  for (const health of options.day) rowOf(health.eventType).day = health;
  for (const eventType of options.eventTypes ?? []) {
    rowOf(eventType.name).eventType = eventType;
  }
  return [...rows.values()].sort(worstFirst);
}

/** Partitions whose SLA passed before they were delivered. */
export function missedPartitions(health: EventTypeHealth | undefined): number {
  return health ? health.slaCompliance.due - health.slaCompliance.met : 0;
}

/** Open and closed partitions: received, not delivered yet. */
export function waitingPartitions(health: EventTypeHealth | undefined): number {
  return health ? health.partitions.open + health.partitions.closed : 0;
}

/**
 * Types with events before those without; then lowest compliance over the
 * day, over the week, most partitions missed; then by name.
 */
export function worstFirst(a: DeliveryRow, b: DeliveryRow): number {
  return (
    Number(!hasEvents(a)) - Number(!hasEvents(b)) ||
    compareCompliance(a.day?.slaCompliance, b.day?.slaCompliance) ||
    compareCompliance(a.week?.slaCompliance, b.week?.slaCompliance) ||
    missedPartitions(b.day) - missedPartitions(a.day) ||
    missedPartitions(b.week) - missedPartitions(a.week) ||
    a.name.localeCompare(b.name)
  );
}

export function hasEvents(row: DeliveryRow): boolean {
  return row.day !== undefined || row.week !== undefined;
}

/** Met over due partitions of every type; undefined when none was due. */
export function overallCompliance(healths: EventTypeHealth[]): {
  met: number;
  due: number;
  compliance?: number;
} {
  let met = 0;
  let due = 0;
  for (const health of healths) {
    met += health.slaCompliance.met;
    due += health.slaCompliance.due;
  }
  return { met, due, compliance: due ? met / due : undefined };
}
