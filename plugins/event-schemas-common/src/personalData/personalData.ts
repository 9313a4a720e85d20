import {
  isDataSubjectCandidate,
  isInArrayOrMap,
  isInsideField,
  isStringField,
} from '../schema/dataSubject';
import { SchemaField } from '../schema/fieldListing';

// The personal data rules of an event type, shared by the registry and the
// CLI so that a file checked in CI is held to what registration demands.
// Ingest encrypts each personal field with the key of the person the event
// is about (its data subject) and replaces the subject's own value with a
// pseudonym, so the subject must be one string per event, and stays readable
// as that pseudonym.

/**
 * Why an event type's personal data settings cannot hold for its schema:
 * the field of the event type at fault, and a message that starts with that
 * field's name (`dataSubject: ...`), as the registry's API words it.
 *
 * @public
 */
export type PersonalDataProblem = {
  field: 'personalDataFields' | 'dataSubject';
  message: string;
};

/** How many field paths a message lists before it stops. */
const LISTED_FIELDS = 20;

function listPaths(fields: Array<{ path: string }>): string {
  const paths = fields.slice(0, LISTED_FIELDS).map(field => field.path);
  return `${paths.join(', ')}${fields.length > LISTED_FIELDS ? ', ...' : ''}`;
}

/** Where a message points a user who needs to pick a data subject. */
function candidatesHint(fields: SchemaField[]): string {
  const candidates = fields.filter(isDataSubjectCandidate);
  return candidates.length > 0
    ? `; its string fields outside arrays and maps are: ${listPaths(
        candidates,
      )}`
    : '; the schema has no string field outside arrays and maps';
}

/**
 * A personal data rule that an event type's settings break, with what a
 * message about it needs; the registry, the CLI and the portal's forms word
 * them each their own way, from this one evaluation.
 *
 * @public
 */
export type PersonalDataViolation =
  | { rule: 'fields-not-in-schema'; paths: string[] }
  | { rule: 'subject-required' }
  | { rule: 'subject-not-in-schema'; path: string }
  | { rule: 'subject-in-array-or-map'; path: string }
  | { rule: 'subject-not-string'; path: string; type: string }
  | { rule: 'subject-inside-personal-field'; path: string; holder: string };

/**
 * Every personal data rule the settings break, in the order the registry
 * reports them: personal fields the schema does not have, then a missing
 * data subject, one the schema does not have or that is not one string per
 * event, then a personal field that contains the subject (it is stored as a
 * pseudonym and must stay readable). Without `fields` (a form whose schema
 * does not parse yet), only the rules that need no schema.
 *
 * @public
 */
export function personalDataViolations(options: {
  personalDataFields: string[];
  /** `undefined` (or `''`, a form's empty choice) for none. */
  dataSubject: string | undefined;
  fields?: SchemaField[];
}): PersonalDataViolation[] {
  const { personalDataFields, fields } = options;
  const dataSubject = options.dataSubject || undefined;
  const violations: PersonalDataViolation[] = [];
  if (fields) {
    const known = new Set(fields.map(field => field.path));
    const unknown = personalDataFields.filter(path => !known.has(path));
    if (unknown.length > 0) {
      violations.push({ rule: 'fields-not-in-schema', paths: unknown });
    }
  }
  if (dataSubject === undefined) {
    if (personalDataFields.length > 0) {
      violations.push({ rule: 'subject-required' });
    }
    return violations;
  }
  const field = fields?.find(candidate => candidate.path === dataSubject);
  if (fields && !field) {
    violations.push({ rule: 'subject-not-in-schema', path: dataSubject });
  } else if (isInArrayOrMap(dataSubject)) {
    violations.push({ rule: 'subject-in-array-or-map', path: dataSubject });
  } else if (field && !isStringField(field)) {
    violations.push({
      rule: 'subject-not-string',
      path: dataSubject,
      type: field.type,
    });
  }
  const holder = personalDataFields.find(parent =>
    isInsideField({ path: dataSubject, parent }),
  );
  if (holder) {
    violations.push({
      rule: 'subject-inside-personal-field',
      path: dataSubject,
      holder,
    });
  }
  return violations;
}

/** The registry's words for a violation, starting with the field at fault. */
function describeViolation(
  violation: PersonalDataViolation,
  fields: SchemaField[],
): PersonalDataProblem {
  switch (violation.rule) {
    case 'fields-not-in-schema': {
      const { paths } = violation;
      return {
        field: 'personalDataFields',
        message: `personalDataFields: ${paths.map(f => `'${f}'`).join(', ')} ${
          paths.length > 1 ? 'are not fields' : 'is not a field'
        } of the schema; its fields are: ${listPaths(fields)}`,
      };
    }
    case 'subject-required':
      return {
        field: 'dataSubject',
        message: `dataSubject: required when personalDataFields is set: name the string field that identifies the person an event is about, e.g. user_id${candidatesHint(
          fields,
        )}`,
      };
    case 'subject-not-in-schema':
      return {
        field: 'dataSubject',
        message: `dataSubject: '${
          violation.path
        }' is not a field of the schema${candidatesHint(fields)}`,
      };
    case 'subject-in-array-or-map':
      return {
        field: 'dataSubject',
        message: `dataSubject: '${
          violation.path
        }' is inside an array or a map, but an event is about one person: name a field outside arrays and maps${candidatesHint(
          fields,
        )}`,
      };
    case 'subject-not-string':
      return {
        field: 'dataSubject',
        message: `dataSubject: '${violation.path}' is of type ${
          violation.type
        }, not a string: the data subject must be a string field (a nullable one will do)${candidatesHint(
          fields,
        )}`,
      };
    default: {
      const { holder, path } = violation;
      return {
        field: 'personalDataFields',
        message: `personalDataFields: '${holder}' contains the data subject '${path}', which is stored as a pseudonym and must stay readable: mark the other fields of '${holder}' as personal instead`,
      };
    }
  }
}

/**
 * Checks an event type's personal data fields and data subject against the
 * fields of its schema (the latest version's, from {@link listFields}).
 * Returns the personal data fields with the data subject among them (it is
 * personal data itself, and every reader of `personalDataFields` should see
 * so), or the first problem found.
 *
 * @public
 */
export function checkPersonalData(options: {
  personalDataFields: string[];
  dataSubject: string | undefined;
  fields: SchemaField[];
}): { personalDataFields: string[] } | { problem: PersonalDataProblem } {
  const { personalDataFields, dataSubject, fields } = options;
  const [first] = personalDataViolations(options);
  if (first) return { problem: describeViolation(first, fields) };
  return {
    personalDataFields:
      dataSubject === undefined || personalDataFields.includes(dataSubject)
        ? personalDataFields
        : [...personalDataFields, dataSubject],
  };
}

/**
 * Why a schema cannot become the next version of a type with this data
 * subject, as a message starting with `dataSubject: `; `undefined` when it
 * can. Ingest needs the subject as a string field in every version.
 *
 * @public
 */
export function keptDataSubjectProblem(options: {
  dataSubject: string | undefined;
  fields: SchemaField[];
}): string | undefined {
  const { dataSubject, fields } = options;
  if (dataSubject === undefined) return undefined;
  const field = fields.find(candidate => candidate.path === dataSubject);
  if (field && isStringField(field)) return undefined;
  return `dataSubject: '${dataSubject}', the type's data subject, ${
    field ? `is of type ${field.type}` : 'is missing'
  } in this schema: every version must keep it as a string field, since ingest replaces it with the person's pseudonym; to move the subject to another field, register a version that has both, change dataSubject, then drop the old field`;
}
