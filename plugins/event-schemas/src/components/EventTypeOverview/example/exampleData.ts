import {
  EventTypeFormat,
  compileValidator,
  parseSchema,
} from '@data-collection/plugin-event-schemas-common';
import { avroExample } from './avroExample';
import { jsonSchemaExample } from './jsonSchemaExample';

/** An example of an event's data, and whether it passes its schema. */
export type ExampleData = {
  data: unknown;
  /** False when no valid value was found (a `pattern` it could not meet). */
  valid: boolean;
  /** What the schema's validator says of `data` when it is not valid. */
  errors: string[];
};

/**
 * An example of the data of an event of one schema version, made from the
 * schema: first with the schema's own examples and defaults, and if those
 * do not validate (examples are not checked by JSON Schema), without them.
 * Throws a SchemaError for an invalid schema.
 */
export function exampleData(options: {
  format: EventTypeFormat;
  schema: string;
  /** The time date-time fields take: the example event's `time`. */
  at: Date;
}): ExampleData {
  const { format, schema, at } = options;
  const parsed = parseSchema({ format, schema });
  const validate = compileValidator({ format, schema });
  const make = (hints: boolean) =>
    parsed.format === 'avro'
      ? avroExample({ schema: parsed.json, at, hints })
      : jsonSchemaExample({ document: parsed.document, at, hints });

  const withHints = make(true);
  const first = validate(withHints);
  if (first.valid) return { data: withHints, valid: true, errors: [] };
  const plain = make(false);
  const second = validate(plain);
  return second.valid
    ? { data: plain, valid: true, errors: [] }
    : { data: withHints, valid: false, errors: first.errors };
}
