import { SchemaField } from '../schema/fieldListing';
import { ContractLogicalType, ContractProperty } from './types';

/** The classification of a personal-data property in a contract. */
export const PERSONAL_DATA_CLASSIFICATION = 'personal-data';
/** The custom property that marks the data subject's property. */
export const DATA_SUBJECT_PROPERTY = 'dataSubject';

const LOGICAL_TYPES: Record<string, ContractLogicalType> = {
  // JSON Schema
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  object: 'object',
  // Avro primitives and logical types
  bytes: 'string',
  fixed: 'string',
  enum: 'string',
  uuid: 'string',
  int: 'integer',
  long: 'integer',
  float: 'number',
  double: 'number',
  decimal: 'number',
  date: 'date',
  'time-millis': 'time',
  'time-micros': 'time',
  'timestamp-millis': 'timestamp',
  'timestamp-micros': 'timestamp',
  'timestamp-nanos': 'timestamp',
  'local-timestamp-millis': 'timestamp',
  'local-timestamp-micros': 'timestamp',
  'local-timestamp-nanos': 'timestamp',
};

/**
 * The contract's properties for a schema's fields (as listFields gives them,
 * flat with dotted paths): objects and records get nested `properties`,
 * arrays `items`. Map values have no place in ODCS: a map is an object
 * whose physical type says `map<...>`.
 */
export function contractProperties(options: {
  fields: SchemaField[];
  personalDataFields: string[];
  dataSubject?: string;
}): ContractProperty[] {
  const { fields, dataSubject } = options;
  const personal = new Set(options.personalDataFields);
  const children = new Map<string, SchemaField[]>();
  for (const field of fields) {
    const parent =
      field.path === field.name
        ? ''
        : field.path.slice(0, field.path.length - field.name.length - 1);
    const siblings = children.get(parent) ?? [];
    siblings.push(field);
    children.set(parent, siblings);
  }

  function property(field: SchemaField): ContractProperty {
    const node = typeNode(field.path, field.type);
    return {
      name: field.name,
      ...node,
      physicalType: field.type,
      ...(field.description !== undefined
        ? { description: field.description }
        : {}),
      required: field.required,
      ...(personal.has(field.path)
        ? { classification: PERSONAL_DATA_CLASSIFICATION }
        : {}),
      ...(field.path === dataSubject
        ? {
            customProperties: [
              { property: DATA_SUBJECT_PROPERTY, value: true },
            ],
          }
        : {}),
    };
  }

  // The logical type of a value at `path` (a field, or `path[]` for the
  // items of an array), with its nested properties or items.
  function typeNode(path: string, label: string): ContractProperty {
    const types = nonNullAlternatives(label);
    const only = types.length === 1 ? types[0] : undefined;
    if (only !== undefined && (only === 'array' || only.startsWith('array<'))) {
      const inner = only === 'array' ? 'any' : only.slice(6, -1);
      return { logicalType: 'array', items: typeNode(`${path}[]`, inner) };
    }
    const nested = children.get(path);
    if (nested && nested.length > 0) {
      return { logicalType: 'object', properties: nested.map(property) };
    }
    if (only?.startsWith('map<')) {
      return { logicalType: 'object' };
    }
    const logical = new Set(types.map(type => LOGICAL_TYPES[type]));
    const [logicalType] = logical;
    return logical.size === 1 && logicalType ? { logicalType } : {};
  }

  return (children.get('') ?? []).map(property);
}

/** `string|null` → `['string']`; bars inside `array<...>` do not split. */
function nonNullAlternatives(label: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= label.length; i++) {
    const char = label[i];
    if (char === '<') depth++;
    if (char === '>') depth--;
    if (i === label.length || (char === '|' && depth === 0)) {
      parts.push(label.slice(start, i));
      start = i + 1;
    }
  }
  return parts.filter(part => part !== 'null' && part !== 'any');
}
