import { EventTypeFormat } from '../types';
import { createAvroValidator } from './avro/validator';
import { formatAjvError } from './jsonSchema/ajv';
import { compileJsonSchemaSource } from './jsonSchema/parse';
import { SchemaError } from './SchemaError';
import { readSchema } from './parseSchema';
import { listAvroReferences } from './references/avroReferences';
import {
  MAX_VALIDATION_DEPTH,
  ValidationStopped,
  measureValue,
  withValidationBudget,
} from './validationWork';

/**
 * Problems reported for one event, at most: an event can have as many as it
 * has values, and a reader needs the first few to fix it.
 *
 * @public
 */
export const MAX_REPORTED_ERRORS = 100;

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
 * Schema goes through Ajv with the schema's draft, all errors and formats,
 * and linear-time regular expressions; Avro through the avsc types with
 * JSON's natural representation (see createAvroValidator). Every validation
 * is metered and stops with a reason when the schema would make it cost
 * more than the event's size justifies (see validationWork); at most
 * MAX_REPORTED_ERRORS problems are reported. Throws a SchemaError for an
 * invalid schema; the size limits are parseSchema's to apply, before.
 *
 * @public
 */
export function compileValidator(options: {
  format: EventTypeFormat;
  schema: string;
}): SchemaValidator {
  const parsed = readSchema(options);
  if (parsed.format === 'avro') {
    if (listAvroReferences({ schema: parsed.json }).length > 0) {
      // Read unresolved, a reference is an empty record: it would refuse
      // what the referenced version accepts.
      throw new SchemaError(
        'The schema references other registered versions: validate with it resolved (resolveSchemaReferences)',
      );
    }
    return metered(createAvroValidator({ type: parsed.type }));
  }
  const validate = compileJsonSchemaSource(parsed);
  return metered(data => {
    const valid = validate(data) as boolean;
    return {
      valid,
      errors: valid ? [] : (validate.errors ?? []).map(formatAjvError),
    };
  });
}

function metered(validate: SchemaValidator): SchemaValidator {
  return data => {
    const { values, depth } = measureValue({
      value: data,
      maxDepth: MAX_VALIDATION_DEPTH,
    });
    if (depth > MAX_VALIDATION_DEPTH) {
      return {
        valid: false,
        errors: [
          `/: the event nests objects and arrays more than ${MAX_VALIDATION_DEPTH} levels deep, too deep to validate`,
        ],
      };
    }
    try {
      const result = withValidationBudget({
        values,
        run: () => validate(data),
      });
      return { valid: result.valid, errors: capErrors(result.errors) };
    } catch (error) {
      if (error instanceof ValidationStopped) {
        return { valid: false, errors: [error.message] };
      }
      throw error;
    }
  };
}

/** Distinct problems, the first MAX_REPORTED_ERRORS and a count of the rest. */
function capErrors(errors: string[]): string[] {
  const distinct = [...new Set(errors)];
  if (distinct.length <= MAX_REPORTED_ERRORS) {
    return distinct;
  }
  return [
    ...distinct.slice(0, MAX_REPORTED_ERRORS),
    `... and ${distinct.length - MAX_REPORTED_ERRORS} more`,
  ];
}
