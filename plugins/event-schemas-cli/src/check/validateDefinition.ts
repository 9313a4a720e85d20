import {
  checkPersonalData,
  DEFAULT_SCHEMA_LIMITS,
  listFields,
  parseSchema,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { locate } from './locate';
import { LoadedFile } from './loadEventTypeFiles';
import { CheckProblem } from './types';

/**
 * What registration would refuse in a file that is valid in its format:
 * the schema itself (with the registry's default limits) and the personal
 * data rules. Returns whether the schema is valid, so it can be compared.
 */
export function validateDefinition(file: LoadedFile): boolean {
  const { definition, display, text } = file;
  if (!definition) return false;
  const schemaPointer = file.schemaFile ? '/schemaFile' : '/schema';
  const at = (pointer: string, message: string, title: string) =>
    file.problems.push({
      file: display,
      line: locate({ text, pointer }),
      pointer,
      message,
      title,
    } satisfies CheckProblem);
  try {
    parseSchema({
      format: definition.format,
      schema: definition.schema,
      limits: DEFAULT_SCHEMA_LIMITS,
    });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    at(
      schemaPointer,
      `${schemaPointer}: not a valid ${definition.format} schema: ${error.message}`,
      'Invalid schema',
    );
    return false;
  }
  const result = checkPersonalData({
    personalDataFields: definition.personalDataFields ?? [],
    dataSubject: definition.dataSubject,
    fields: listFields({
      format: definition.format,
      schema: definition.schema,
    }),
  });
  if ('problem' in result) {
    at(`/${result.problem.field}`, result.problem.message, 'Personal data');
  }
  return true;
}

/** Two files that declare the same name would register as one type. */
export function checkDuplicateNames(files: LoadedFile[]): void {
  const first = new Map<string, LoadedFile>();
  for (const file of files) {
    const name = file.definition?.name;
    if (name === undefined) continue;
    const earlier = first.get(name);
    if (!earlier) {
      first.set(name, file);
      continue;
    }
    file.problems.push({
      file: file.display,
      line: locate({ text: file.text, pointer: '/name' }),
      pointer: '/name',
      message: `/name '${name}' is also declared by ${earlier.display}: each event type has one file`,
      title: 'Duplicate event type',
    });
  }
}
