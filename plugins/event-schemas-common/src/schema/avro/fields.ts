import {
  FieldListing,
  SchemaField,
  emptyListing,
  joinPath,
  mergeAny,
} from '../fieldListing';
import { AVRO_PRIMITIVES, unqualify } from './names';

type JsonObject = Record<string, unknown>;

class AvroFieldLister {
  private readonly named = new Map<string, JsonObject>();
  // Records being listed on the current path, so a recursive record (a
  // linked list, a tree) is expanded once.
  private readonly active = new Set<string>();

  constructor(json: unknown) {
    this.collectNamed(json);
  }

  listing(schema: unknown, prefix: string): FieldListing {
    const type = this.resolve(schema);
    if (Array.isArray(type)) {
      // Only the non-null branches carry fields: null means the whole value
      // is absent, which the field's own `required` already says.
      return mergeAny(
        type
          .filter(branch => branch !== 'null')
          .map(branch => this.listing(branch, prefix)),
      );
    }
    if (typeof type !== 'object' || type === null) {
      return emptyListing();
    }
    const object = type as JsonObject;
    switch (object.type) {
      case 'record':
      case 'error':
        return this.recordListing(object, prefix);
      case 'array':
        return this.listing(object.items, `${prefix}[]`);
      case 'map':
        return this.listing(object.values, prefix ? `${prefix}.{}` : '{}');
      default:
        return emptyListing();
    }
  }

  private recordListing(record: JsonObject, prefix: string): FieldListing {
    const name = record.name as string;
    const listing = emptyListing();
    if (this.active.has(name)) {
      return listing;
    }
    this.active.add(name);
    for (const field of record.fields as JsonObject[]) {
      const fieldName = field.name as string;
      const path = joinPath({ prefix, name: fieldName });
      listing.fields.set(path, {
        path,
        name: fieldName,
        type: this.label(field.type),
        required: !(Array.isArray(field.type) && field.type.includes('null')),
        ...(typeof field.doc === 'string' ? { description: field.doc } : {}),
      });
      for (const child of this.listing(field.type, path).fields.values()) {
        listing.fields.set(child.path, child);
      }
    }
    this.active.delete(name);
    return listing;
  }

  private label(schema: unknown): string {
    const type = this.resolve(schema);
    if (Array.isArray(type)) {
      return type.map(branch => this.label(branch)).join('|');
    }
    if (typeof type === 'string') {
      return type;
    }
    const object = type as JsonObject;
    if (typeof object.logicalType === 'string') {
      return object.logicalType;
    }
    switch (object.type) {
      case 'record':
      case 'error':
        return unqualify(object.name as string);
      case 'array':
        return `array<${this.label(object.items)}>`;
      case 'map':
        return `map<${this.label(object.values)}>`;
      default:
        return String(object.type);
    }
  }

  private resolve(schema: unknown): unknown {
    return typeof schema === 'string' && !AVRO_PRIMITIVES.has(schema)
      ? this.named.get(schema) ?? schema
      : schema;
  }

  private collectNamed(schema: unknown): void {
    if (Array.isArray(schema)) {
      schema.forEach(branch => this.collectNamed(branch));
      return;
    }
    if (typeof schema !== 'object' || schema === null) {
      return;
    }
    const object = schema as JsonObject;
    if (typeof object.name === 'string' && !this.named.has(object.name)) {
      this.named.set(object.name, object);
    }
    if (Array.isArray(object.fields)) {
      (object.fields as JsonObject[]).forEach(field =>
        this.collectNamed(field.type),
      );
    }
    this.collectNamed(object.items);
    this.collectNamed(object.values);
  }
}

/**
 * Every field of an Avro schema, nested records included. Works on the
 * normalized JSON (see normalizeAvroSchema), where every reference to a
 * named type is its full name.
 */
export function listAvroFields(options: { json: unknown }): SchemaField[] {
  const lister = new AvroFieldLister(options.json);
  return [...lister.listing(options.json, '').fields.values()];
}
