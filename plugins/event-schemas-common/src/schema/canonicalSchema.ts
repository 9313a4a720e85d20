import { EventTypeFormat } from '../types';
import { canonicalJson } from './json';
import { readSchema } from './parseSchema';

/**
 * The canonical text of a schema, for recognising a re-registration of the
 * same schema: JSON with keys sorted recursively and no whitespace, arrays in
 * their order. Avro schemas are first normalized (full names, `"string"` for
 * `{"type": "string"}`, ...) but keep defaults, aliases, docs and order,
 * which the Parsing Canonical Form would strip although resolution depends on
 * them. Hash it in the caller. Throws a SchemaError for an invalid schema;
 * the size limits are parseSchema's to apply, before.
 *
 * @public
 */
export function canonicalSchema(options: {
  format: EventTypeFormat;
  schema: string;
}): string {
  const parsed = readSchema(options);
  return canonicalJson({
    value: parsed.format === 'avro' ? parsed.json : parsed.document,
  });
}
