import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { SlaStatus, slaStatusOf } from '../shared';

/** A registered event type with its delivery over the last 24 hours. */
export type EventTypeRow = {
  eventType: EventType;
  /** Absent while the pipeline's health is unknown (loading or failed). */
  delivery?: {
    /** Absent when the type received no events in the window. */
    health?: EventTypeHealth;
    status: SlaStatus;
  };
};

/** The registry's types (the primary source) joined with their health. */
export function eventTypeRows(
  eventTypes: EventType[],
  health: EventTypeHealth[] | undefined,
): EventTypeRow[] {
  const byName = new Map(health?.map(h => [h.eventType, h]));
  return eventTypes.map(eventType => {
    if (!health) return { eventType };
    const own = byName.get(eventType.name);
    return {
      eventType,
      delivery: { health: own, status: slaStatusOf(own?.slaCompliance) },
    };
  });
}

/** The filters above the table; an empty string does not filter. */
export type EventTypeFilters = {
  /** Words that must all appear in the name, title, description, owner or tags. */
  q: string;
  owner: string;
  format: string;
  lifecycle: string;
  /** A {@link SlaStatus}; ignored while delivery is unknown. */
  status: string;
};

export const FILTER_NAMES: ReadonlyArray<keyof EventTypeFilters> = [
  'q',
  'owner',
  'format',
  'lifecycle',
  'status',
];

export function matchesFilters(
  row: EventTypeRow,
  filters: EventTypeFilters,
): boolean {
  const { eventType, delivery } = row;
  if (filters.owner && eventType.owner !== filters.owner) return false;
  if (filters.format && eventType.format !== filters.format) return false;
  if (filters.lifecycle && eventType.lifecycle !== filters.lifecycle) {
    return false;
  }
  if (filters.status && delivery && delivery.status !== filters.status) {
    return false;
  }
  const words = filters.q.toLocaleLowerCase('en-US').split(/\s+/);
  const text = [
    eventType.name,
    eventType.title,
    eventType.description,
    eventType.owner,
    ...eventType.tags,
  ]
    .filter(Boolean)
    .join(' ')
    .toLocaleLowerCase('en-US');
  return words.every(word => text.includes(word));
}
