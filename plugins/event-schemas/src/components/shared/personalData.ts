import {
  isDataSubjectCandidate,
  isInsideField,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';

/** What the data subject is, under the field that names it. */
export const DATA_SUBJECT_HELP =
  "The field that identifies the person an event is about. It is stored as a pseudonym, and the event's personal fields are encrypted with that person's key, so erasing the person erases their data everywhere.";

/** Problems of an event type's personal data, by the request field at fault. */
export type PersonalDataProblems = {
  personalDataFields?: string;
  dataSubject?: string;
};

/**
 * The registry's personal data rules (plugins/event-schemas-backend
 * src/registry/personalData.ts) as a form can check them while the user
 * picks: a data subject whenever a field is personal, a string field outside
 * arrays and maps, never inside a personal field. `fields` are the schema's
 * fields when known. Messages read after the field's label
 * (`Data subject is required ...`), or whole when they start with a quote.
 */
export function checkPersonalData(options: {
  personalDataFields: string[];
  /** `''` for none. */
  dataSubject: string;
  fields?: SchemaField[];
}): PersonalDataProblems {
  const { personalDataFields, dataSubject, fields } = options;
  const problems: PersonalDataProblems = {};
  if (fields) {
    const known = new Set(fields.map(field => field.path));
    const gone = personalDataFields.filter(path => !known.has(path));
    if (gone.length > 0) {
      problems.personalDataFields = `no longer in the schema: ${gone.join(
        ', ',
      )}`;
    }
  }
  if (dataSubject === '') {
    if (personalDataFields.length > 0) {
      problems.dataSubject =
        'is required when a field holds personal data: choose the field that identifies the person an event is about';
    }
    return problems;
  }
  const field = fields?.find(candidate => candidate.path === dataSubject);
  if (fields && !field) {
    problems.dataSubject = `is no longer in the schema: ${dataSubject}`;
  } else if (field && !isDataSubjectCandidate(field)) {
    problems.dataSubject =
      'must be a string field outside arrays and maps: an event is about one person';
  }
  const holder = personalDataFields.find(parent =>
    isInsideField({ path: dataSubject, parent }),
  );
  if (holder && !problems.personalDataFields) {
    problems.personalDataFields = `'${holder}' holds the data subject, which stays readable as a pseudonym: mark the other fields of ${holder} instead`;
  }
  return problems;
}
