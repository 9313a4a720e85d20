import { parseRegistryRef } from '../references/registryRefs';
import { AVRO_PRIMITIVES, namespaceOf, qualify } from './names';

type JsonObject = Record<string, unknown>;

const NAMED_TYPES = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * Rewrites an Avro schema (already accepted by avsc) so that equivalent
 * spellings are equal: names fully qualified and `namespace` folded into
 * them, aliases qualified, `{"type": "string"}` written `"string"`, the
 * default field order dropped. Unlike the specification's Parsing Canonical
 * Form it keeps defaults, aliases, docs, logical types and custom attributes:
 * they matter to schema resolution and to readers of the schema.
 *
 * Written by hand because avsc's `schema()` drops enum defaults and logical
 * types, both of which change what a reader does.
 */
export function normalizeAvroSchema(options: { schema: unknown }): unknown {
  return normalize(options.schema, '');
}

function normalize(schema: unknown, namespace: string): unknown {
  if (typeof schema === 'string') {
    // A reference to a registered version is a URL, not a name: kept as
    // written, for resolving to replace (see resolveSchemaReferences).
    return parseRegistryRef({ ref: schema })
      ? schema
      : qualify({ name: schema, namespace });
  }
  if (Array.isArray(schema)) {
    return schema.map(branch => normalize(branch, namespace));
  }
  const object = schema as JsonObject;
  const type = object.type as string;
  if (AVRO_PRIMITIVES.has(type)) {
    return Object.keys(object).length === 1 ? type : { ...object };
  }
  if (NAMED_TYPES.has(type)) {
    return normalizeNamed(object, namespace);
  }
  if (type === 'array') {
    return { ...object, items: normalize(object.items, namespace) };
  }
  if (type === 'map') {
    return { ...object, values: normalize(object.values, namespace) };
  }
  return { ...object };
}

function normalizeNamed(object: JsonObject, enclosing: string): JsonObject {
  const { namespace: ownNamespace, ...rest } = object;
  const declared = typeof ownNamespace === 'string' ? ownNamespace : enclosing;
  const fullName = qualify({
    name: object.name as string,
    namespace: declared,
  });
  const namespace = namespaceOf(fullName);
  const normalized: JsonObject = { ...rest, name: fullName };
  if (Array.isArray(object.aliases)) {
    normalized.aliases = (object.aliases as string[]).map(alias =>
      qualify({ name: alias, namespace }),
    );
  }
  if (Array.isArray(object.fields)) {
    normalized.fields = (object.fields as JsonObject[]).map(field => {
      const { order, ...fieldRest } = field;
      return {
        ...fieldRest,
        ...(order === undefined || order === 'ascending' ? {} : { order }),
        type: normalize(field.type, namespace),
      };
    });
  }
  return normalized;
}
