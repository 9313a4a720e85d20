import { EventTypeFormat } from '../types';
import { listAvroFields } from './avro/fields';
import { SchemaField } from './fieldListing';
import { listJsonSchemaFields } from './jsonSchema/fields';
import { readSchema } from './parseSchema';

/**
 * Every field of a schema, nested ones included, in schema order. JSON
 * Schema: `properties`, array items, in-document `$ref`s and the branches of
 * allOf/anyOf/oneOf (merged). Avro: record fields through nested records,
 * arrays, maps and unions. Recursive schemas are listed down to the first
 * repetition. Throws a SchemaError for an invalid schema; the size limits
 * are parseSchema's to apply, before.
 *
 * @public
 */
export function listFields(options: {
  format: EventTypeFormat;
  schema: string;
}): SchemaField[] {
  const parsed = readSchema(options);
  return parsed.format === 'avro'
    ? listAvroFields({ json: parsed.json })
    : listJsonSchemaFields({ source: parsed });
}
