import { eventTypeEntityName } from '@data-collection/plugin-event-schemas-common';

/**
 * The catalog `API` entity the registry's catalog module makes of an event
 * type: a template's output links to it.
 */
export function eventTypeEntityRef(name: string): string {
  return `api:default/${eventTypeEntityName(name)}`;
}
