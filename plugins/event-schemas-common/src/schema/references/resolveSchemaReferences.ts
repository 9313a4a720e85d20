import { EventTypeFormat } from '../../types';
import { parseJsonText } from '../json';
import { listAvroReferences, resolveAvroReferences } from './avroReferences';
import {
  listJsonSchemaReferences,
  resolveJsonSchemaReferences,
} from './jsonSchemaReferences';
import {
  LoadReference,
  ResolvedSchema,
  SchemaReference,
} from './referenceChain';

export { REFERENCE_LIMITS } from './referenceChain';
export type { ResolvedSchema, SchemaReference } from './referenceChain';

/**
 * Resolves the references of a schema to other registered versions, with
 * `load` (the registry's own store, never the network), recursively.
 * Throws a SchemaError for a reference to a version that does not exist, to
 * a schema of another format (or, for JSON Schema, another draft), a cycle,
 * a chain deeper than REFERENCE_LIMITS.maxDepth, more than maxVersions
 * versions or a result larger than `maxBytes`. References the registry does
 * not recognize are left as they are, for parseSchema to refuse.
 *
 * A JSON Schema references a version with a `$ref` (optionally with a JSON
 * Pointer fragment); each referenced version is copied under `$defs` (or
 * `definitions` before draft 2019-09), keyed `<name>@<version>`. An Avro
 * schema references one by writing its URL where a type name may stand (a
 * field's type, a union branch, array items, map values); the version,
 * which must be a named type, is written in place of the first reference
 * and its full name in place of the others. A name defined twice (by two
 * versions, or by a version and the schema) is refused.
 *
 * With `baseUrl`, a top-level reference counts only in its canonical form
 * (`<baseUrl>/event-types/<name>/versions/<n>`) or as that URL's path;
 * without, any URL ending in `/event-types/<name>/versions/<n>` does (see
 * parseRegistryRef).
 *
 * @public
 */
export async function resolveSchemaReferences(options: {
  format: EventTypeFormat;
  schema: string;
  load: (
    reference: SchemaReference,
  ) => Promise<{ format: EventTypeFormat; schema: string } | undefined>;
  baseUrl?: string;
  maxBytes?: number;
}): Promise<ResolvedSchema> {
  const { format, schema, load, baseUrl, maxBytes = Infinity } = options;
  if (!schema.includes('/event-types/')) {
    return { schema, references: [] };
  }
  const resolve: (options: {
    schema: string;
    load: LoadReference;
    baseUrl?: string;
    maxBytes: number;
  }) => Promise<ResolvedSchema> =
    format === 'avro' ? resolveAvroReferences : resolveJsonSchemaReferences;
  return resolve({ schema, load, baseUrl, maxBytes });
}

/**
 * The registered versions a schema references directly (without loading
 * them), each once; none for text that is not JSON.
 *
 * @public
 */
export function listSchemaReferences(options: {
  format: EventTypeFormat;
  schema: string;
}): SchemaReference[] {
  const { format, schema } = options;
  if (!schema.includes('/event-types/')) {
    return [];
  }
  let value: unknown;
  try {
    value = parseJsonText({ text: schema });
  } catch {
    return [];
  }
  return format === 'avro'
    ? listAvroReferences({ schema: value })
    : listJsonSchemaReferences({ document: value });
}
