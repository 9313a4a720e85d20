import { JsonSchemaDocument } from '@data-collection/plugin-event-schemas-common';
import { SAMPLE_STRING, formattedString } from './sampleValues';

type SchemaObject = Record<string, unknown>;

/** A value that cannot be made here (a recursion, `false`): leave it out. */
export const NOTHING = Symbol('nothing');
type Generated = unknown | typeof NOTHING;

type Context = {
  root: JsonSchemaDocument;
  at: Date;
  /** Whether to take `const`, `examples`, `default` and `enum` as they are. */
  hints: boolean;
  /** The `$ref`s being expanded, to stop at the first repetition. */
  refs: string[];
};

const MAX_DEPTH = 32;

/**
 * An example value for a JSON Schema: the schema's own const, example,
 * default or enum value where it has one, else a value made from its type
 * and constraints (every property, required and optional, and one item per
 * array). Best effort: `pattern`s and `not`s are not solved, so the caller
 * validates the result.
 */
export function jsonSchemaExample(options: {
  document: JsonSchemaDocument;
  at: Date;
  hints: boolean;
}): unknown {
  const { document, at, hints } = options;
  const value = generate(document, { root: document, at, hints, refs: [] }, 0);
  return value === NOTHING ? null : value;
}

function generate(schema: unknown, context: Context, depth: number): Generated {
  if (schema === false || depth > MAX_DEPTH) return NOTHING;
  if (!isObject(schema)) return SAMPLE_STRING;

  const expanded: string[] = [];
  const flat = flatten(schema, context, [], expanded);
  if (flat === NOTHING) return NOTHING;
  // The references expanded here stay on the stack for everything below,
  // so a recursive schema stops at its first repetition.
  context.refs.push(...expanded);
  try {
    return generateFlat(flat, context, depth);
  } finally {
    context.refs.length -= expanded.length;
  }
}

function generateFlat(
  flat: SchemaObject,
  context: Context,
  depth: number,
): Generated {
  if (context.hints) {
    if ('const' in flat) return flat.const;
    if (Array.isArray(flat.examples) && flat.examples.length > 0) {
      return flat.examples[0];
    }
    if (flat.default !== undefined) return flat.default;
  }
  // An enum's values are the only valid ones: take one even without hints.
  if (Array.isArray(flat.enum) && flat.enum.length > 0) return flat.enum[0];
  if ('const' in flat) return flat.const;

  const alternatives = (flat.oneOf ?? flat.anyOf) as unknown[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    const { oneOf, anyOf, ...rest } = flat;
    for (const branch of preferNonNull(alternatives, context)) {
      const value = generate({ allOf: [rest, branch] }, context, depth + 1);
      if (value !== NOTHING) return value;
    }
    return NOTHING;
  }

  switch (typeOf(flat)) {
    case 'object':
      return objectExample(flat, context, depth);
    case 'array':
      return arrayExample(flat, context, depth);
    case 'string':
      return stringExample(flat, context);
    case 'integer':
      return numberExample(flat, true);
    case 'number':
      return numberExample(flat, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return SAMPLE_STRING;
  }
}

/**
 * The schema with its `$ref` resolved and its `allOf` branches merged into
 * one object: properties joined, required lists united, the first value of
 * any other keyword kept.
 */
function flatten(
  schema: SchemaObject,
  context: Context,
  /** The references being expanded on the way to this schema. */
  path: string[],
  /** Collects every reference expanded. */
  expanded: string[],
): SchemaObject | typeof NOTHING {
  if (path.length > MAX_DEPTH) return NOTHING;
  let merged: SchemaObject = {};
  const parts: unknown[] = [];
  const { $ref, allOf, ...own } = schema;
  if (typeof $ref === 'string') {
    if (context.refs.includes($ref) || path.includes($ref)) return NOTHING;
    if (!expanded.includes($ref)) expanded.push($ref);
    const target = resolveRef($ref, context.root);
    if (target === false) return NOTHING;
    const resolved = isObject(target)
      ? flatten(target, context, [...path, $ref], expanded)
      : {};
    if (resolved === NOTHING) return NOTHING;
    parts.push(resolved);
  }
  parts.push(own);
  for (const branch of Array.isArray(allOf) ? allOf : []) {
    if (branch === false) return NOTHING;
    if (!isObject(branch)) continue;
    const resolved = flatten(branch, context, path, expanded);
    if (resolved === NOTHING) return NOTHING;
    parts.push(resolved);
  }
  for (const part of parts as SchemaObject[]) {
    merged = mergeTwo(merged, part);
  }
  return merged;
}

function mergeTwo(a: SchemaObject, b: SchemaObject): SchemaObject {
  const merged: SchemaObject = { ...b, ...a };
  if (isObject(a.properties) || isObject(b.properties)) {
    const properties: SchemaObject = { ...(b.properties as SchemaObject) };
    for (const [name, schema] of Object.entries(
      (a.properties as SchemaObject) ?? {},
    )) {
      properties[name] =
        name in properties ? { allOf: [schema, properties[name]] } : schema;
    }
    merged.properties = properties;
  }
  if (Array.isArray(a.required) || Array.isArray(b.required)) {
    merged.required = [
      ...new Set([
        ...((a.required as string[]) ?? []),
        ...((b.required as string[]) ?? []),
      ]),
    ];
  }
  return merged;
}

/** An in-document reference: `#`, `#/$defs/x` or an `$anchor` name. */
function resolveRef(ref: string, root: JsonSchemaDocument): unknown {
  if (!ref.startsWith('#')) return undefined;
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return findAnchor(root, ref.slice(1));
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeURIComponent(raw)
      .replace(/~1/g, '/')
      .replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as SchemaObject)[segment];
  }
  return node;
}

function findAnchor(node: unknown, anchor: string): unknown {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findAnchor(item, anchor);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  if (node.$anchor === anchor || node.$id === `#${anchor}`) return node;
  for (const value of Object.values(node)) {
    const found = findAnchor(value, anchor);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Alternatives with `{"type": "null"}` last: a null example says little. */
function preferNonNull(branches: unknown[], context: Context): unknown[] {
  const isNull = (branch: unknown) => {
    if (!isObject(branch)) return false;
    const flat = flatten(branch, context, [], []);
    return flat !== NOTHING && flat.type === 'null';
  };
  return [
    ...branches.filter(branch => !isNull(branch)),
    ...branches.filter(isNull),
  ];
}

function typeOf(schema: SchemaObject): string {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type) && type.length > 0) {
    return (type.find(t => t !== 'null') ?? type[0]) as string;
  }
  if (
    'properties' in schema ||
    'required' in schema ||
    'additionalProperties' in schema
  ) {
    return 'object';
  }
  if ('items' in schema || 'prefixItems' in schema) return 'array';
  if (
    'minimum' in schema ||
    'maximum' in schema ||
    'exclusiveMinimum' in schema ||
    'exclusiveMaximum' in schema
  ) {
    return 'number';
  }
  return 'string';
}

function objectExample(
  schema: SchemaObject,
  context: Context,
  depth: number,
): Generated {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? (schema.required as string[]) : [],
  );
  const value: SchemaObject = {};
  for (const [name, property] of Object.entries(properties)) {
    const item = generate(property, context, depth + 1);
    if (item !== NOTHING) {
      value[name] = item;
    } else if (required.has(name)) {
      return NOTHING;
    }
  }
  // Required names without a property schema follow additionalProperties.
  for (const name of required) {
    if (name in value) continue;
    const extra = schema.additionalProperties;
    const item = generate(isObject(extra) ? extra : true, context, depth + 1);
    if (item === NOTHING) return NOTHING;
    value[name] = item;
  }
  return value;
}

function arrayExample(
  schema: SchemaObject,
  context: Context,
  depth: number,
): Generated {
  let tuple: unknown[] | undefined;
  if (Array.isArray(schema.prefixItems)) tuple = schema.prefixItems;
  else if (Array.isArray(schema.items)) tuple = schema.items;
  const rest = Array.isArray(schema.items)
    ? schema.additionalItems
    : schema.items;
  const maxItems =
    typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const items: unknown[] = [];
  for (const itemSchema of tuple ?? []) {
    if (items.length >= maxItems) break;
    const item = generate(itemSchema, context, depth + 1);
    if (item === NOTHING) break;
    items.push(item);
  }
  const wanted = Math.min(
    maxItems,
    Math.max(tuple ? items.length : 1, minItems),
  );
  if (items.length < wanted && rest !== false) {
    const item = generate(rest ?? true, context, depth + 1);
    while (item !== NOTHING && items.length < wanted) items.push(item);
  }
  return items.length < minItems ? NOTHING : items;
}

function stringExample(schema: SchemaObject, context: Context): string {
  const format =
    typeof schema.format === 'string'
      ? formattedString(schema.format, context.at)
      : undefined;
  let value = format ?? SAMPLE_STRING;
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    value = value.padEnd(schema.minLength, 'x');
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    value = value.slice(0, schema.maxLength);
  }
  return value;
}

/** An exclusive bound; draft-04 writes it as `true` next to the inclusive one. */
function exclusiveBound(
  schema: SchemaObject,
  bound: 'minimum' | 'maximum',
): number | undefined {
  const exclusive =
    schema[bound === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'];
  if (typeof exclusive === 'number') return exclusive;
  if (exclusive === true && typeof schema[bound] === 'number') {
    return schema[bound] as number;
  }
  return undefined;
}

function numberExample(schema: SchemaObject, integer: boolean): number {
  const exclusiveMin = exclusiveBound(schema, 'minimum');
  const exclusiveMax = exclusiveBound(schema, 'maximum');
  const min =
    exclusiveMin === undefined
      ? (schema.minimum as number | undefined)
      : undefined;
  const max =
    exclusiveMax === undefined
      ? (schema.maximum as number | undefined)
      : undefined;
  let step = integer ? 1 : 0;
  if (typeof schema.multipleOf === 'number') step = schema.multipleOf;

  let value = 0;
  if (typeof min === 'number') value = min;
  else if (typeof exclusiveMin === 'number') value = exclusiveMin;
  else if (typeof max === 'number' && max < 0) value = max;
  else if (typeof exclusiveMax === 'number' && exclusiveMax <= 0) {
    value = exclusiveMax - (step || 1);
  }
  if (step > 0) {
    value = Math.ceil(value / step) * step;
    if (exclusiveMin !== undefined && value <= exclusiveMin) value += step;
  } else if (exclusiveMin !== undefined && value <= exclusiveMin) {
    // A number just above an exclusive bound, below the upper bound if any.
    const upper = max ?? exclusiveMax;
    value =
      upper !== undefined && upper < exclusiveMin + 1
        ? (exclusiveMin + upper) / 2
        : exclusiveMin + 1;
  }
  return value;
}

function isObject(value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
