import { Type } from 'avsc';
import { EVENT_TYPE_FORMATS, EventTypeFormat } from '../types';
import { SchemaError } from './SchemaError';
import { readAvroSchema } from './avro/parse';
import { parseJsonText } from './json';
import {
  assertJsonSchemaSourceCompiles,
  readJsonSchema,
} from './jsonSchema/parse';
import { JsonSchemaDocument, JsonSchemaDraft } from './jsonSchema/types';
import {
  NO_LIMITS,
  SchemaLimits,
  checkNestingDepth,
  checkSchemaSize,
  resolveLimits,
} from './limits';

/**
 * A JSON Schema that passed parseSchema.
 *
 * @public
 */
export type ParsedJsonSchema = {
  format: 'jsonschema';
  /** The schema as parsed, `$schema` included. */
  document: JsonSchemaDocument;
  /** The draft it is read with (draft-07 when `$schema` names no known draft). */
  draft: JsonSchemaDraft;
};

/**
 * An Avro schema that passed parseSchema.
 *
 * @public
 */
export type ParsedAvroSchema = {
  format: 'avro';
  /** The avsc type, names resolved. */
  type: Type;
  /** The schema JSON with full names and `{"type": "x"}` written `"x"`. */
  json: unknown;
};

/**
 * A schema that passed parseSchema, in the representation of its language.
 *
 * @public
 */
export type ParsedSchema = ParsedJsonSchema | ParsedAvroSchema;

/**
 * Parses and checks schema text; throws a SchemaError saying what is wrong.
 * Both formats are held to the size and nesting limits; a JSON Schema must
 * also satisfy its draft's meta-schema, use in-document references only,
 * have safe regular expressions and compile; an Avro schema must satisfy
 * avsc.
 *
 * @public
 */
export function parseSchema(options: {
  format: string;
  schema: string;
  limits?: Partial<SchemaLimits>;
}): ParsedSchema {
  const parsed = readSchema({
    ...options,
    limits: resolveLimits({ limits: options.limits }),
    registration: true,
  });
  if (parsed.format === 'jsonschema') {
    // Compiling catches what the meta-schema cannot (Ajv's own checks); the
    // function is dropped, compileValidator compiles when asked.
    assertJsonSchemaSourceCompiles(parsed);
  }
  return parsed;
}

/**
 * parseSchema without compiling a JSON Schema, for callers that compile it
 * themselves or only read its structure. Without limits and `registration`,
 * it reads schemas parseSchema accepted, under the registry's own limits and
 * maybe under earlier rules (see documentProblems).
 */
export function readSchema(options: {
  format: string;
  schema: string;
  limits?: SchemaLimits;
  registration?: boolean;
}): ParsedSchema {
  const { format, schema, limits = NO_LIMITS, registration = false } = options;
  if (!(EVENT_TYPE_FORMATS as readonly string[]).includes(format)) {
    throw new SchemaError(
      `Unsupported schema format '${format}': supported formats are ${EVENT_TYPE_FORMATS.join(
        ', ',
      )}`,
    );
  }
  const value = readJsonValue({ text: schema, limits });
  if ((format as EventTypeFormat) === 'avro') {
    return { format: 'avro', ...readAvroSchema({ value, registration }) };
  }
  const source = readJsonSchema({
    value,
    maxPatternLength: limits.maxPatternLength,
    registration,
  });
  return { format: 'jsonschema', ...source };
}

/** JSON text within the size and depth limits, parsed. */
function readJsonValue(options: {
  text: string;
  limits: SchemaLimits;
}): unknown {
  const { text, limits } = options;
  if (Number.isFinite(limits.maxBytes)) {
    checkSchemaSize({ text, maxBytes: limits.maxBytes });
  }
  const value = parseJsonText({ text });
  if (Number.isFinite(limits.maxDepth)) {
    checkNestingDepth({ value, maxDepth: limits.maxDepth });
  }
  return value;
}
