import { EventType } from '@data-collection/plugin-event-schemas-common';

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

type PersonalDataDeclaration = Pick<
  EventType,
  'personalDataFields' | 'dataSubject'
>;

/** Per type object: ingest asks for every event of a cached type. */
const known = new WeakMap<
  PersonalDataDeclaration,
  PersonalDataFields | undefined
>();

/** The personal data of a type, or `undefined` when it declares none. */
export function personalDataFieldsOf(
  eventType: PersonalDataDeclaration,
): PersonalDataFields | undefined {
  if (known.has(eventType)) return known.get(eventType);
  const fields = new Set(eventType.personalDataFields ?? []);
  if (eventType.dataSubject) fields.add(eventType.dataSubject);
  const personal =
    fields.size === 0
      ? undefined
      : {
          fields: [...fields].sort((a, b) => a.length - b.length),
          dataSubject: eventType.dataSubject,
        };
  known.set(eventType, personal);
  return personal;
}
