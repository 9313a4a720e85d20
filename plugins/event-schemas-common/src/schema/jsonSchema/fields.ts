import {
  FieldListing,
  SchemaField,
  applyRequired,
  emptyListing,
  joinPath,
  mergeAll,
  mergeAny,
  unionTypes,
} from '../fieldListing';
import { refOverridesSiblings } from './drafts';
import { REFERENCE_KEYWORDS, resolveRef } from './refs';
import {
  JsonSchemaDocument,
  JsonSchemaObject,
  JsonSchemaSource,
  isSchema,
  isSchemaObject,
} from './types';

// Type labels follow references a few levels at most: a label is a hint,
// and a chain of references to references says nothing more past that.
const MAX_LABEL_DEPTH = 8;

class FieldLister {
  // Schemas being listed on the current path: a recursive schema (a tree
  // node with children of its own type) is listed once, not forever.
  private readonly active = new Set<JsonSchemaDocument>();

  constructor(private readonly source: JsonSchemaSource) {}

  listing(schema: JsonSchemaDocument, prefix: string): FieldListing {
    if (!isSchemaObject(schema) || this.active.has(schema)) {
      return emptyListing();
    }
    this.active.add(schema);
    try {
      return applyRequired({ listing: this.parts(schema, prefix), prefix });
    } finally {
      this.active.delete(schema);
    }
  }

  private parts(schema: JsonSchemaObject, prefix: string): FieldListing {
    const target = this.referenced(schema);
    if (target !== undefined && refOverridesSiblings(this.source.draft)) {
      return this.listing(target, prefix);
    }
    const parts = [
      this.ownFields(schema, prefix),
      this.itemFields(schema, prefix),
    ];
    if (target !== undefined) {
      parts.push(this.listing(target, prefix));
    }
    for (const branch of schemaList(schema.allOf)) {
      parts.push(this.listing(branch, prefix));
    }
    for (const keyword of ['anyOf', 'oneOf']) {
      const branches = schemaList(schema[keyword]);
      if (branches.length > 0) {
        parts.push(
          mergeAny(branches.map(branch => this.listing(branch, prefix))),
        );
      }
    }
    return mergeAll(parts);
  }

  private ownFields(schema: JsonSchemaObject, prefix: string): FieldListing {
    const listing = emptyListing();
    if (Array.isArray(schema.required)) {
      schema.required.forEach(name => listing.required.add(String(name)));
    }
    if (!isSchemaObject(schema.properties)) {
      return listing;
    }
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!isSchema(property)) {
        continue;
      }
      const path = joinPath({ prefix, name });
      listing.fields.set(path, {
        path,
        name,
        type: this.typeLabel(property, 0),
        required: false,
        ...describe(this.description(property)),
      });
      for (const child of this.listing(property, path).fields.values()) {
        listing.fields.set(child.path, child);
      }
    }
    return listing;
  }

  private itemFields(schema: JsonSchemaObject, prefix: string): FieldListing {
    const items = itemSchemas(schema);
    if (items.length === 0) {
      return emptyListing();
    }
    const itemPrefix = `${prefix}[]`;
    const listing = mergeAny(items.map(item => this.listing(item, itemPrefix)));
    // Whether an array has items at all is the array's business: what its
    // items require stays with the items' own fields.
    listing.required.clear();
    return listing;
  }

  private referenced(schema: JsonSchemaObject): JsonSchemaDocument | undefined {
    for (const keyword of REFERENCE_KEYWORDS) {
      const ref = schema[keyword];
      if (typeof ref === 'string') {
        return resolveRef({ root: this.source.document, ref });
      }
    }
    return undefined;
  }

  private description(schema: JsonSchemaDocument): string | undefined {
    if (!isSchemaObject(schema)) {
      return undefined;
    }
    if (typeof schema.description === 'string') {
      return schema.description;
    }
    const target = this.referenced(schema);
    return target &&
      isSchemaObject(target) &&
      typeof target.description === 'string'
      ? target.description
      : undefined;
  }

  private typeLabel(schema: JsonSchemaDocument, depth: number): string {
    if (typeof schema === 'boolean') {
      return schema ? 'any' : 'never';
    }
    if (depth > MAX_LABEL_DEPTH) {
      return 'any';
    }
    if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
      const types = [schema.type].flat().map(String);
      return unionTypes(
        types.map(type =>
          type === 'array' ? this.arrayLabel(schema, depth) : type,
        ),
      );
    }
    const target = this.referenced(schema);
    if (target !== undefined) {
      return this.typeLabel(target, depth + 1);
    }
    if ('const' in schema) {
      return valueType(schema.const);
    }
    if (Array.isArray(schema.enum)) {
      return unionTypes(schema.enum.map(valueType));
    }
    if (
      [
        'properties',
        'patternProperties',
        'additionalProperties',
        'required',
      ].some(k => k in schema)
    ) {
      return 'object';
    }
    if ('items' in schema || 'prefixItems' in schema) {
      return this.arrayLabel(schema, depth);
    }
    const alternatives = [
      ...schemaList(schema.anyOf),
      ...schemaList(schema.oneOf),
    ];
    if (alternatives.length > 0) {
      return unionTypes(
        alternatives.map(branch => this.typeLabel(branch, depth + 1)),
      );
    }
    for (const branch of schemaList(schema.allOf)) {
      const label = this.typeLabel(branch, depth + 1);
      if (label !== 'any') {
        return label;
      }
    }
    return 'any';
  }

  private arrayLabel(schema: JsonSchemaObject, depth: number): string {
    const items = itemSchemas(schema);
    if (items.length === 0) {
      return 'array';
    }
    const label = unionTypes(
      items.map(item => this.typeLabel(item, depth + 1)),
    );
    return label === 'any' ? 'array' : `array<${label}>`;
  }
}

/** Every field of a JSON Schema, nested ones included. */
export function listJsonSchemaFields(options: {
  source: JsonSchemaSource;
}): SchemaField[] {
  const { source } = options;
  const lister = new FieldLister(source);
  return [...lister.listing(source.document, '').fields.values()];
}

function describe(description: string | undefined) {
  return description === undefined ? {} : { description };
}

function schemaList(value: unknown): JsonSchemaDocument[] {
  return Array.isArray(value) ? value.filter(isSchema) : [];
}

// Item schemas in every spelling: `items` (one schema or, before 2020-12, a
// tuple), `prefixItems` and `additionalItems`.
function itemSchemas(schema: JsonSchemaObject): JsonSchemaDocument[] {
  const items = Array.isArray(schema.items)
    ? schemaList(schema.items)
    : schemaList([schema.items]);
  const tuple = schemaList(schema.prefixItems);
  const additional = Array.isArray(schema.items)
    ? schemaList([schema.additionalItems])
    : [];
  return [...tuple, ...items, ...additional].filter(item => item !== false);
}

function valueType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}
