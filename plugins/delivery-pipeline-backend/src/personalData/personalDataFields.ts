import { EventType } from '@internal/plugin-event-schemas-common';

/** Where an event type keeps personal data. */
export type PersonalDataFields = {
  /**
   * Field paths under `data`, the data subject's included, shortest first:
   * a field sealed whole is sealed before the fields inside it are visited.
   */
  fields: string[];
  /** The data subject's field; absent only for types registered before it existed. */
  dataSubject?: string;
};

/** The personal data of a type, or `undefined` when it declares none. */
export function personalDataFieldsOf(
  eventType: Pick<EventType, 'personalDataFields' | 'dataSubject'>,
): PersonalDataFields | undefined {
  const fields = new Set(eventType.personalDataFields ?? []);
  if (eventType.dataSubject) fields.add(eventType.dataSubject);
  if (fields.size === 0) return undefined;
  return {
    fields: [...fields].sort((a, b) => a.length - b.length),
    dataSubject: eventType.dataSubject,
  };
}
