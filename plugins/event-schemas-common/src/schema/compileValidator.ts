import { EventTypeFormat } from '../types';
import { createAvroValidator } from './avro/validator';
import { formatAjvError } from './jsonSchema/ajv';
import { compileJsonSchemaSource } from './jsonSchema/parse';
import { readSchema } from './parseSchema';

/**
 * The outcome of validating one event.
 *
 * @public
 */
export type ValidationResult = {
  valid: boolean;
  /** One line per problem, `/path: ...`, empty when valid. */
  errors: string[];
};

/**
 * Validates events against one schema. Compiling is the expensive part: keep
 * the function and reuse it for every event of the same schema.
 *
 * @public
 */
export type SchemaValidator = (data: unknown) => ValidationResult;

/**
 * Compiles a schema into a validator for events given as parsed JSON. JSON
 * Schema goes through Ajv with the schema's draft, all errors and formats;
 * Avro through the avsc types with JSON's natural representation (see
 * createAvroValidator). Throws a SchemaError for an invalid schema; the
 * size limits are parseSchema's to apply, before.
 *
 * @public
 */
export function compileValidator(options: {
  format: EventTypeFormat;
  schema: string;
}): SchemaValidator {
  const parsed = readSchema(options);
  if (parsed.format === 'avro') {
    return createAvroValidator({ type: parsed.type });
  }
  const validate = compileJsonSchemaSource(parsed);
  return data => {
    const valid = validate(data) as boolean;
    return {
      valid,
      errors: valid
        ? []
        : [...new Set((validate.errors ?? []).map(formatAjvError))],
    };
  };
}
