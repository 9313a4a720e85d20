import { jsonEqual } from '../../schema/json';
import {
  isDraft2019OrLater,
  refOverridesSiblings,
} from '../../schema/jsonSchema/drafts';
import { REFERENCE_KEYWORDS, resolveRef } from '../../schema/jsonSchema/refs';
import {
  JsonSchemaObject,
  isSchema,
  isSchemaObject,
} from '../../schema/jsonSchema/types';
import { formatCheck } from './formats';
import { ANY_NODE, SchemaNode } from './nodes';

/** JSON Schema's instance types; `integer` is a subset of `number`. */
export type JsonType =
  | 'null'
  | 'boolean'
  | 'object'
  | 'array'
  | 'number'
  | 'string'
  | 'integer';

/** Every type, `integer` being part of `number`. */
export const ALL_TYPES: JsonType[] = [
  'null',
  'boolean',
  'object',
  'array',
  'number',
  'string',
];

export type Bound = { value: number; exclusive: boolean };

/**
 * One schema's say on an object's properties. A property is governed by
 * `properties` and every matching pattern, or by `additional` when neither
 * applies; separate parts (from allOf branches) all apply.
 */
type ObjectPart = {
  properties: Map<string, SchemaNode>;
  patterns: Array<{ pattern: string; regex: RegExp; node: SchemaNode }>;
  additional?: SchemaNode;
  additionalKeyword: 'additionalProperties' | 'unevaluatedProperties';
};

/** One schema's say on array items: a tuple prefix, then `rest`. */
type ArrayPart = {
  prefix: SchemaNode[];
  rest?: SchemaNode;
  prefixKeyword: 'items' | 'prefixItems';
  restKeyword: 'items' | 'additionalItems' | 'unevaluatedItems';
};

type Conditional = {
  if: SchemaNode;
  then: SchemaNode;
  else: SchemaNode;
};

/**
 * A schema's assertions gathered in one place: references resolved, allOf
 * merged, keywords read the way the schema's draft reads them. Each list is
 * a conjunction. Shapes are shared and never mutated.
 */
export type Shape = {
  /** No value is valid (`false`, or contradictory keywords). */
  never: boolean;
  /** Undefined: any type. */
  types?: JsonType[];
  /** From enum and const; undefined: any value. */
  values?: unknown[];
  valuesKeyword: 'enum' | 'const';
  lower?: Bound;
  upper?: Bound;
  multipleOf: number[];
  minLength: number;
  maxLength?: number;
  patterns: string[];
  formats: string[];
  arrays: ArrayPart[];
  minItems: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains: Array<{ node: SchemaNode; min: number; max?: number }>;
  objects: ObjectPart[];
  required: string[];
  minProperties: number;
  maxProperties?: number;
  propertyNames: SchemaNode[];
  dependentRequired: Array<{
    property: string;
    required: string[];
    keyword: 'dependencies' | 'dependentRequired';
  }>;
  dependentSchemas: Array<{ property: string; node: SchemaNode }>;
  anyOf: SchemaNode[][];
  oneOf: SchemaNode[][];
  not: SchemaNode[];
  conditionals: Conditional[];
  /** Assertions left out of the shape, each described for a message. */
  unsupported: string[];
};

function emptyShape(): Shape {
  return {
    never: false,
    valuesKeyword: 'enum',
    multipleOf: [],
    minLength: 0,
    patterns: [],
    formats: [],
    arrays: [],
    minItems: 0,
    uniqueItems: false,
    contains: [],
    objects: [],
    required: [],
    minProperties: 0,
    propertyNames: [],
    dependentRequired: [],
    dependentSchemas: [],
    anyOf: [],
    oneOf: [],
    not: [],
    conditionals: [],
    unsupported: [],
  };
}

const ANY_SHAPE = emptyShape();
const NEVER_SHAPE: Shape = { ...emptyShape(), never: true };
const shapes = new WeakMap<object, Shape>();
const building = new Set<object>();

/** The shape of a schema, computed once per schema object. */
export function shapeOf(node: SchemaNode): Shape {
  const { schema } = node;
  if (typeof schema === 'boolean') {
    return schema ? ANY_SHAPE : NEVER_SHAPE;
  }
  const cached = shapes.get(schema);
  if (cached) {
    return cached;
  }
  if (building.has(schema)) {
    // `{"$ref": "#"}` inside the root's own allOf and the like: a schema
    // defined only by itself. Nothing sensible can be read from it.
    return {
      ...emptyShape(),
      unsupported: ['a reference cycle that never reaches a property or item'],
    };
  }
  building.add(schema);
  try {
    const shape = buildShape(node, schema);
    shapes.set(schema, shape);
    return shape;
  } finally {
    building.delete(schema);
  }
}

function buildShape(node: SchemaNode, schema: JsonSchemaObject): Shape {
  const { source } = node;
  const child = (value: unknown): SchemaNode => ({
    source,
    schema: isSchema(value) ? value : true,
  });
  if (typeof schema.$ref === 'string' && refOverridesSiblings(source.draft)) {
    return referenceShape(node, schema.$ref);
  }
  let shape = ownShape(schema, child, node);
  for (const keyword of REFERENCE_KEYWORDS) {
    const ref = schema[keyword];
    if (typeof ref === 'string') {
      shape = mergeShapes([shape, referenceShape(node, ref)]);
    }
  }
  for (const branch of schemaList(schema.allOf)) {
    shape = mergeShapes([shape, shapeOf(child(branch))]);
  }
  if (isDraft2019OrLater(source.draft)) {
    shape = withUnevaluated(shape, schema, child);
  }
  return shape;
}

function referenceShape(node: SchemaNode, ref: string): Shape {
  const target = resolveRef({ root: node.source.document, ref });
  if (target === undefined) {
    return {
      ...emptyShape(),
      unsupported: [`the unresolvable reference '${ref}'`],
    };
  }
  return shapeOf({ source: node.source, schema: target });
}

function ownShape(
  schema: JsonSchemaObject,
  child: (value: unknown) => SchemaNode,
  node: SchemaNode,
): Shape {
  const draft = node.source.draft;
  const modern = isDraft2019OrLater(draft);
  const shape = emptyShape();
  if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
    shape.types = [...new Set([schema.type].flat() as JsonType[])];
  }
  if (Array.isArray(schema.enum)) {
    shape.values = [...schema.enum];
  }
  if ('const' in schema) {
    shape.values = (shape.values ?? [schema.const]).filter(value =>
      jsonEqual(value, schema.const),
    );
    shape.valuesKeyword = 'const';
  }
  readNumbers(schema, shape);
  readStrings(schema, shape);
  readArrays(schema, shape, child, draft === '2020-12', modern);
  readObjects(schema, shape, child, modern);
  const anyOf = schemaList(schema.anyOf).map(child);
  if (anyOf.length > 0) {
    shape.anyOf = [anyOf];
  }
  const oneOf = schemaList(schema.oneOf).map(child);
  if (oneOf.length > 0) {
    shape.oneOf = [oneOf];
  }
  if (isSchema(schema.not)) {
    shape.not = [child(schema.not)];
  }
  if (isSchema(schema.if) && ('then' in schema || 'else' in schema)) {
    shape.conditionals = [
      {
        if: child(schema.if),
        then: 'then' in schema ? child(schema.then) : ANY_NODE,
        else: 'else' in schema ? child(schema.else) : ANY_NODE,
      },
    ];
  }
  shape.never =
    shape.types?.length === 0 || shape.values?.length === 0 || shape.never;
  return shape;
}

function readNumbers(schema: JsonSchemaObject, shape: Shape): void {
  // Draft-04 spells exclusivity as a boolean next to minimum/maximum; later
  // drafts as a number of its own. The value's type says which one it is.
  if (typeof schema.minimum === 'number') {
    shape.lower = {
      value: schema.minimum,
      exclusive: schema.exclusiveMinimum === true,
    };
  }
  if (typeof schema.exclusiveMinimum === 'number') {
    shape.lower = tighterLower(shape.lower, {
      value: schema.exclusiveMinimum,
      exclusive: true,
    });
  }
  if (typeof schema.maximum === 'number') {
    shape.upper = {
      value: schema.maximum,
      exclusive: schema.exclusiveMaximum === true,
    };
  }
  if (typeof schema.exclusiveMaximum === 'number') {
    shape.upper = tighterUpper(shape.upper, {
      value: schema.exclusiveMaximum,
      exclusive: true,
    });
  }
  if (typeof schema.multipleOf === 'number') {
    shape.multipleOf = [schema.multipleOf];
  }
}

function readStrings(schema: JsonSchemaObject, shape: Shape): void {
  if (typeof schema.minLength === 'number') {
    shape.minLength = schema.minLength;
  }
  if (typeof schema.maxLength === 'number') {
    shape.maxLength = schema.maxLength;
  }
  if (typeof schema.pattern === 'string') {
    shape.patterns = [schema.pattern];
  }
  // An assertion, not the annotation 2019-09 made it: the validators run Ajv
  // with ajv-formats, which rejects a value that does not match. Formats it
  // does not check stay annotations.
  if (typeof schema.format === 'string' && formatCheck(schema.format)) {
    shape.formats = [schema.format];
  }
}

function readArrays(
  schema: JsonSchemaObject,
  shape: Shape,
  child: (value: unknown) => SchemaNode,
  draft2020: boolean,
  modern: boolean,
): void {
  if (Array.isArray(schema.items) && !draft2020) {
    shape.arrays = [
      {
        prefix: schemaList(schema.items).map(child),
        rest: isSchema(schema.additionalItems)
          ? child(schema.additionalItems)
          : undefined,
        prefixKeyword: 'items',
        restKeyword: 'additionalItems',
      },
    ];
  } else if (
    isSchema(schema.items) ||
    (draft2020 && Array.isArray(schema.prefixItems))
  ) {
    shape.arrays = [
      {
        prefix: draft2020 ? schemaList(schema.prefixItems).map(child) : [],
        rest: isSchema(schema.items) ? child(schema.items) : undefined,
        prefixKeyword: 'prefixItems',
        restKeyword: 'items',
      },
    ];
  }
  if (typeof schema.minItems === 'number') {
    shape.minItems = schema.minItems;
  }
  if (typeof schema.maxItems === 'number') {
    shape.maxItems = schema.maxItems;
  }
  shape.uniqueItems = schema.uniqueItems === true;
  if (isSchema(schema.contains)) {
    shape.contains = [
      {
        node: child(schema.contains),
        min:
          modern && typeof schema.minContains === 'number'
            ? schema.minContains
            : 1,
        max:
          modern && typeof schema.maxContains === 'number'
            ? schema.maxContains
            : undefined,
      },
    ];
  }
}

function readObjects(
  schema: JsonSchemaObject,
  shape: Shape,
  child: (value: unknown) => SchemaNode,
  modern: boolean,
): void {
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  const patterns = isSchemaObject(schema.patternProperties)
    ? schema.patternProperties
    : {};
  if (
    'properties' in schema ||
    'patternProperties' in schema ||
    isSchema(schema.additionalProperties)
  ) {
    shape.objects = [
      {
        properties: new Map(
          Object.entries(properties).map(([name, value]) => [
            name,
            child(value),
          ]),
        ),
        patterns: Object.entries(patterns).map(([pattern, value]) => ({
          pattern,
          regex: new RegExp(pattern, 'u'),
          node: child(value),
        })),
        additional: isSchema(schema.additionalProperties)
          ? child(schema.additionalProperties)
          : undefined,
        additionalKeyword: 'additionalProperties',
      },
    ];
  }
  if (Array.isArray(schema.required)) {
    shape.required = schema.required.map(String);
  }
  if (typeof schema.minProperties === 'number') {
    shape.minProperties = schema.minProperties;
  }
  if (typeof schema.maxProperties === 'number') {
    shape.maxProperties = schema.maxProperties;
  }
  if (isSchema(schema.propertyNames)) {
    shape.propertyNames = [child(schema.propertyNames)];
  }
  // `dependencies` (draft-04 to 07, still honoured by Ajv's later drafts)
  // holds both forms that 2019-09 split into two keywords.
  type Dependency = [string, unknown, 'dependencies' | 'dependentRequired'];
  const dependencies: Dependency[] = [
    ...entriesOf(schema.dependencies).map(
      ([property, value]): Dependency => [property, value, 'dependencies'],
    ),
    ...(modern ? entriesOf(schema.dependentRequired) : []).map(
      ([property, value]): Dependency => [property, value, 'dependentRequired'],
    ),
  ];
  for (const [property, value, keyword] of dependencies) {
    if (Array.isArray(value)) {
      shape.dependentRequired.push({
        property,
        required: value.map(String),
        keyword,
      });
    } else if (isSchema(value)) {
      shape.dependentSchemas.push({ property, node: child(value) });
    }
  }
  if (modern) {
    for (const [property, value] of entriesOf(schema.dependentSchemas)) {
      shape.dependentSchemas.push({ property, node: child(value) });
    }
  }
}

function entriesOf(value: unknown): Array<[string, unknown]> {
  return isSchemaObject(value) ? Object.entries(value) : [];
}

/**
 * unevaluatedProperties/Items see what the schema and its in-place
 * applicators evaluated. With only allOf and `$ref` (merged into the shape)
 * that is exactly the merged properties and items, so the keyword becomes
 * one more part; next to anyOf, oneOf, if or dependentSchemas it depends on
 * which branches matched, which a shape cannot say.
 */
function withUnevaluated(
  shape: Shape,
  schema: JsonSchemaObject,
  child: (value: unknown) => SchemaNode,
): Shape {
  const branching =
    shape.anyOf.length > 0 ||
    shape.oneOf.length > 0 ||
    shape.conditionals.length > 0 ||
    shape.dependentSchemas.length > 0;
  let result = shape;
  if (isSchema(schema.unevaluatedProperties)) {
    if (branching) {
      result = {
        ...result,
        unsupported: [
          ...result.unsupported,
          "'unevaluatedProperties' next to anyOf, oneOf, if or dependentSchemas",
        ],
      };
    } else if (!result.objects.some(part => part.additional)) {
      const evaluated: ObjectPart = {
        properties: new Map(
          result.objects
            .flatMap(part => [...part.properties.keys()])
            .map(name => [name, ANY_NODE]),
        ),
        patterns: result.objects.flatMap(part =>
          part.patterns.map(pattern => ({ ...pattern, node: ANY_NODE })),
        ),
        additional: child(schema.unevaluatedProperties),
        additionalKeyword: 'unevaluatedProperties',
      };
      result = { ...result, objects: [...result.objects, evaluated] };
    }
  }
  if (isSchema(schema.unevaluatedItems)) {
    if (branching || result.contains.length > 0) {
      result = {
        ...result,
        unsupported: [
          ...result.unsupported,
          "'unevaluatedItems' next to anyOf, oneOf, if, dependentSchemas or contains",
        ],
      };
    } else if (!result.arrays.some(part => part.rest)) {
      const evaluated = Math.max(
        0,
        ...result.arrays.map(part => part.prefix.length),
      );
      result = {
        ...result,
        arrays: [
          ...result.arrays,
          {
            prefix: new Array<SchemaNode>(evaluated).fill(ANY_NODE),
            rest: child(schema.unevaluatedItems),
            prefixKeyword: 'prefixItems',
            restKeyword: 'unevaluatedItems',
          },
        ],
      };
    }
  }
  return result;
}

/** The shape of values valid under every one of the shapes. */
export function mergeShapes(list: Shape[]): Shape {
  // A single shape is returned as is: comparisons key on shape identity.
  return list.length === 1 ? list[0] : list.reduce(mergeTwo, ANY_SHAPE);
}

function mergeTwo(a: Shape, b: Shape): Shape {
  const types = intersectTypes([a.types, b.types]);
  const values =
    a.values && b.values
      ? a.values.filter(value =>
          b.values!.some(other => jsonEqual(value, other)),
        )
      : a.values ?? b.values;
  return {
    never: a.never || b.never || types?.length === 0 || values?.length === 0,
    types,
    values,
    valuesKeyword: a.values ? a.valuesKeyword : b.valuesKeyword,
    lower: tighterLower(a.lower, b.lower),
    upper: tighterUpper(a.upper, b.upper),
    multipleOf: [...a.multipleOf, ...b.multipleOf],
    minLength: Math.max(a.minLength, b.minLength),
    maxLength: smallest(a.maxLength, b.maxLength),
    patterns: [...a.patterns, ...b.patterns],
    formats: [...a.formats, ...b.formats],
    arrays: [...a.arrays, ...b.arrays],
    minItems: Math.max(a.minItems, b.minItems),
    maxItems: smallest(a.maxItems, b.maxItems),
    uniqueItems: a.uniqueItems || b.uniqueItems,
    contains: [...a.contains, ...b.contains],
    objects: [...a.objects, ...b.objects],
    required: [...new Set([...a.required, ...b.required])],
    minProperties: Math.max(a.minProperties, b.minProperties),
    maxProperties: smallest(a.maxProperties, b.maxProperties),
    propertyNames: [...a.propertyNames, ...b.propertyNames],
    dependentRequired: [...a.dependentRequired, ...b.dependentRequired],
    dependentSchemas: [...a.dependentSchemas, ...b.dependentSchemas],
    anyOf: [...a.anyOf, ...b.anyOf],
    oneOf: [...a.oneOf, ...b.oneOf],
    not: [...a.not, ...b.not],
    conditionals: [...a.conditionals, ...b.conditionals],
    unsupported: [...a.unsupported, ...b.unsupported],
  };
}

/**
 * The schemas that govern property `name` in one part, and where each comes
 * from: its own entry in `properties`, a matching pattern, or the fallback
 * for every other property.
 */
export function propertySchemas(options: {
  part: ObjectPart;
  name: string;
}): Array<{ node: SchemaNode; origin: 'property' | 'pattern' | 'additional' }> {
  const { part, name } = options;
  const found: Array<{
    node: SchemaNode;
    origin: 'property' | 'pattern' | 'additional';
  }> = [];
  const property = part.properties.get(name);
  if (property) {
    found.push({ node: property, origin: 'property' });
  }
  for (const pattern of part.patterns) {
    if (pattern.regex.test(name)) {
      found.push({ node: pattern.node, origin: 'pattern' });
    }
  }
  if (found.length === 0 && part.additional) {
    found.push({ node: part.additional, origin: 'additional' });
  }
  return found;
}

/** Whether values of type `type` are accepted by a list of types. */
export function typeCovered(options: {
  type: JsonType;
  by: JsonType[];
  integersOnly?: boolean;
}): boolean {
  const { type, by, integersOnly = false } = options;
  return (
    by.includes(type) ||
    (type === 'integer' && by.includes('number')) ||
    (type === 'number' && integersOnly && by.includes('integer'))
  );
}

/** The types in all of the lists; an undefined list allows every type. */
export function intersectTypes(
  lists: Array<JsonType[] | undefined>,
): JsonType[] | undefined {
  return lists.reduce(intersectTwo);
}

function intersectTwo(
  a: JsonType[] | undefined,
  b: JsonType[] | undefined,
): JsonType[] | undefined {
  if (!a || !b) {
    return a ?? b;
  }
  const result = new Set<JsonType>();
  for (const type of a) {
    if (b.includes(type)) {
      result.add(type);
    } else if (
      (type === 'number' && b.includes('integer')) ||
      (type === 'integer' && b.includes('number'))
    ) {
      result.add('integer');
    }
  }
  return [...result];
}

function tighterLower(a?: Bound, b?: Bound): Bound | undefined {
  if (!a || !b) {
    return a ?? b;
  }
  if (a.value !== b.value) {
    return a.value > b.value ? a : b;
  }
  return { value: a.value, exclusive: a.exclusive || b.exclusive };
}

function tighterUpper(a?: Bound, b?: Bound): Bound | undefined {
  if (!a || !b) {
    return a ?? b;
  }
  if (a.value !== b.value) {
    return a.value < b.value ? a : b;
  }
  return { value: a.value, exclusive: a.exclusive || b.exclusive };
}

function smallest(a?: number, b?: number): number | undefined {
  if (a === undefined || b === undefined) {
    return a ?? b;
  }
  return Math.min(a, b);
}

function schemaList(value: unknown): unknown[] {
  return Array.isArray(value) ? value.filter(isSchema) : [];
}
