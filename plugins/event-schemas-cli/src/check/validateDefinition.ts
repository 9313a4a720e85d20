import {
  checkPersonalData,
  DEFAULT_SCHEMA_LIMITS,
  listFields,
  parseSchema,
  SchemaError,
} from '@data-collection/plugin-event-schemas-common';
import { CliContext } from '../context';
import { locate } from './locate';
import { LoadedFile } from './loadEventTypeFiles';
import {
  ReferenceSources,
  referenceProblem,
  resolveReferences,
  RESOLVED_MAX_BYTES,
  UnresolvedReferenceError,
} from './references';
import { CheckProblem } from './types';

/**
 * What registration would refuse in a file that is valid in its format:
 * its references (resolved from `sources`), the schema itself with them
 * resolved (with the registry's default limits) and the personal data
 * rules. Returns whether the schema is valid, so it can be compared; the
 * resolved schema is then the file's `resolvedSchema`.
 */
export async function validateDefinition(options: {
  context: CliContext;
  file: LoadedFile;
  sources: ReferenceSources;
  /** What the user can do about a reference nothing resolves. */
  hint: string;
}): Promise<boolean> {
  const { context, file, sources, hint } = options;
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
  const invalidSchema = (error: SchemaError) =>
    at(
      schemaPointer,
      `${schemaPointer}: not a valid ${definition.format} schema: ${error.message}`,
      'Invalid schema',
    );
  if (Buffer.byteLength(definition.schema) > DEFAULT_SCHEMA_LIMITS.maxBytes) {
    // Refused for its size before resolving, which would read it whole.
    try {
      parseSchema({
        format: definition.format,
        schema: definition.schema,
        limits: DEFAULT_SCHEMA_LIMITS,
      });
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      invalidSchema(error);
      return false;
    }
  }
  let resolved: string;
  try {
    resolved = (
      await resolveReferences({
        format: definition.format,
        schema: definition.schema,
        sources,
      })
    ).schema;
  } catch (error) {
    if (
      !(error instanceof UnresolvedReferenceError) &&
      !(error instanceof SchemaError)
    ) {
      throw error;
    }
    file.problems.push(await referenceProblem({ context, file, error, hint }));
    return false;
  }
  const referenced = resolved !== definition.schema;
  try {
    parseSchema({
      format: definition.format,
      schema: resolved,
      // As the registry: the copies of referenced versions sit two levels
      // down, and were held to the limits on their own.
      limits: referenced
        ? {
            ...DEFAULT_SCHEMA_LIMITS,
            maxBytes: RESOLVED_MAX_BYTES,
            maxDepth: DEFAULT_SCHEMA_LIMITS.maxDepth + 2,
          }
        : DEFAULT_SCHEMA_LIMITS,
    });
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    invalidSchema(error);
    return false;
  }
  file.resolvedSchema = resolved;
  const result = checkPersonalData({
    personalDataFields: definition.personalDataFields ?? [],
    dataSubject: definition.dataSubject,
    fields: listFields({ format: definition.format, schema: resolved }),
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
