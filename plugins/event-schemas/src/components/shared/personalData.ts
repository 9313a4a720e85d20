import {
  personalDataViolations,
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
 * The registry's personal data rules (personalDataViolations, shared with
 * the registry and the CLI) in the words of a form checking them while the
 * user picks: one problem per field at most. `fields` are the schema's
 * fields when known. Messages read after the field's label
 * (`Data subject is required ...`), or whole when they start with a quote.
 */
export function checkPersonalData(options: {
  personalDataFields: string[];
  /** `''` for none. */
  dataSubject: string;
  fields?: SchemaField[];
}): PersonalDataProblems {
  const problems: PersonalDataProblems = {};
  for (const violation of personalDataViolations(options)) {
    switch (violation.rule) {
      case 'fields-not-in-schema':
        problems.personalDataFields ??= `no longer in the schema: ${violation.paths.join(
          ', ',
        )}`;
        break;
      case 'subject-inside-personal-field':
        problems.personalDataFields ??= `'${violation.holder}' holds the data subject, which stays readable as a pseudonym: mark the other fields of ${violation.holder} instead`;
        break;
      case 'subject-required':
        problems.dataSubject ??=
          'is required when a field holds personal data: choose the field that identifies the person an event is about';
        break;
      case 'subject-not-in-schema':
        problems.dataSubject ??= `is no longer in the schema: ${violation.path}`;
        break;
      default:
        problems.dataSubject ??=
          'must be a string field outside arrays and maps: an event is about one person';
    }
  }
  return problems;
}
