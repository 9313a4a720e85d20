import { SchemaError } from '../SchemaError';
import {
  assertJsonSchemaCompiles,
  compileJsonSchema,
  metaSchemaErrors,
} from './ajv';
import { documentProblems } from './checks';
import { detectDraft } from './drafts';
import { JsonSchemaSource, isSchema } from './types';

/**
 * Checks a parsed JSON value as a JSON Schema: its draft's meta-schema, then
 * what the registry refuses on top (see documentProblems), at registration
 * or of a stored schema.
 */
export function readJsonSchema(options: {
  value: unknown;
  maxPatternLength: number;
  registration: boolean;
}): JsonSchemaSource {
  const { value, maxPatternLength, registration } = options;
  if (!isSchema(value)) {
    const kind = Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new SchemaError(
      `A JSON Schema must be an object or a boolean, not ${
        value === null ? 'null' : kind
      }`,
    );
  }
  const draft = detectDraft({ document: value });
  const metaErrors = metaSchemaErrors({ document: value, draft });
  if (metaErrors.length > 0) {
    throw new SchemaError(
      `Invalid JSON Schema (${draft}): ${metaErrors.join('; ')}`,
    );
  }
  const problems = documentProblems({
    document: value,
    draft,
    maxPatternLength,
    registration,
  });
  if (problems.length > 0) {
    throw new SchemaError(
      `Unsupported JSON Schema (${draft}): ${problems.join('; ')}`,
    );
  }
  return { document: value, draft };
}

/** Compiles a checked schema, reporting compiler errors as SchemaErrors. */
export function compileJsonSchemaSource(source: JsonSchemaSource) {
  return asSchemaError(source, () => compileJsonSchema(source));
}

/** Checks that a checked schema compiles, without keeping a validator. */
export function assertJsonSchemaSourceCompiles(source: JsonSchemaSource) {
  asSchemaError(source, () => assertJsonSchemaCompiles(source));
}

function asSchemaError<T>(source: JsonSchemaSource, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    throw new SchemaError(
      `Invalid JSON Schema (${source.draft}): ${(error as Error).message}`,
    );
  }
}
