import { escapePointerSegment } from './pointer';
import { JsonSchemaDocument, isSchema, isSchemaObject } from './types';

// Keywords whose values are schemas, by how they hold them. Everything else
// (enum, const, default, examples, ...) is data and must not be searched for
// keywords: an enum value may well be an object with a "$ref" key.
const SINGLE_SCHEMA_KEYWORDS = [
  'additionalItems',
  'additionalProperties',
  'contains',
  'contentSchema',
  'else',
  'if',
  'items',
  'not',
  'propertyNames',
  'then',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const SCHEMA_LIST_KEYWORDS = [
  'allOf',
  'anyOf',
  'oneOf',
  'prefixItems',
  'items',
];
const SCHEMA_MAP_KEYWORDS = [
  '$defs',
  'definitions',
  'dependencies',
  'dependentSchemas',
  'patternProperties',
  'properties',
];

/** The direct subschemas of a schema, each with its JSON Pointer suffix. */
export function childSchemas(
  schema: JsonSchemaDocument,
): Array<{ pointer: string; schema: JsonSchemaDocument }> {
  if (!isSchemaObject(schema)) {
    return [];
  }
  const children: Array<{ pointer: string; schema: JsonSchemaDocument }> = [];
  for (const keyword of SINGLE_SCHEMA_KEYWORDS) {
    const value = schema[keyword];
    if (isSchema(value)) {
      children.push({ pointer: `/${keyword}`, schema: value });
    }
  }
  for (const keyword of SCHEMA_LIST_KEYWORDS) {
    const value = schema[keyword];
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (isSchema(item)) {
          children.push({ pointer: `/${keyword}/${index}`, schema: item });
        }
      });
    }
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const value = schema[keyword];
    if (isSchemaObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        // `dependencies` mixes schemas with arrays of property names.
        if (isSchema(item)) {
          children.push({
            pointer: `/${keyword}/${escapePointerSegment(key)}`,
            schema: item,
          });
        }
      }
    }
  }
  return children;
}

/**
 * Calls `visit` for the schema and every subschema in it, with its JSON
 * Pointer. Recursion depth is bounded by the nesting limit checked earlier.
 */
export function forEachSubschema(options: {
  schema: JsonSchemaDocument;
  visit: (schema: JsonSchemaDocument, pointer: string) => void;
  pointer?: string;
}): void {
  const { schema, visit, pointer = '' } = options;
  visit(schema, pointer);
  for (const child of childSchemas(schema)) {
    forEachSubschema({
      schema: child.schema,
      visit,
      pointer: pointer + child.pointer,
    });
  }
}
