/**
 * The JSON Schema drafts the registry understands. A schema without
 * `$schema`, or with a URI that is none of these (such as Snowplow's
 * self-describing meta-schema), is read as draft-07.
 *
 * @public
 */
export type JsonSchemaDraft =
  | 'draft-04'
  | 'draft-06'
  | 'draft-07'
  | '2019-09'
  | '2020-12';

/**
 * A JSON Schema object: keywords to values.
 *
 * @public
 */
export type JsonSchemaObject = { [keyword: string]: unknown };

/**
 * A JSON Schema: an object, or `true`/`false`.
 *
 * @public
 */
export type JsonSchemaDocument = boolean | JsonSchemaObject;

/** A parsed document and the draft it is read with. */
export type JsonSchemaSource = {
  document: JsonSchemaDocument;
  draft: JsonSchemaDraft;
};

export function isSchemaObject(value: unknown): value is JsonSchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isSchema(value: unknown): value is JsonSchemaDocument {
  return typeof value === 'boolean' || isSchemaObject(value);
}
