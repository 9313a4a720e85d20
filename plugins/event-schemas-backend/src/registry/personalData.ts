import { InputError } from '@backstage/errors';
import {
  checkPersonalData as checkPersonalDataRules,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';

export { keptDataSubjectProblem } from '@data-collection/plugin-event-schemas-common';

/**
 * The common package's personal data rules, as the registry applies them:
 * a problem is an InputError that names the request field at fault.
 * Returns the personal data fields with the data subject among them.
 */
export function checkPersonalData(options: {
  personalDataFields: string[];
  dataSubject: string | undefined;
  fields: SchemaField[];
}): string[] {
  const result = checkPersonalDataRules(options);
  if ('problem' in result) throw new InputError(result.problem.message);
  return result.personalDataFields;
}
