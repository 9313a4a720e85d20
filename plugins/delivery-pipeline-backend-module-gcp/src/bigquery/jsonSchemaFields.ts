import { columnNameFor } from './names';
import { arrayOf, json, Mapped, scalar, toField } from './mapped';
import { BigQueryField, RecordFieldConversion } from './types';

type Schema = boolean | Record<string, unknown>;

type Context = {
  root: Schema;
  notes: string[];
  /** `$ref`s being expanded, to stop at recursion. */
  expanding: string[];
};

/**
 * Maps a JSON Schema (draft-07 or 2020-12, as the registry accepts them) to
 * BigQuery, following the table in docs/bigquery-types.md.
 */
export function mapJsonSchema(root: unknown, notes: string[]): Mapped {
  const schema = root as Schema;
  return map(schema, '', { root: schema, notes, expanding: [] });
}

function map(schema: Schema, path: string, ctx: Context): Mapped {
  if (typeof schema !== 'object' || schema === null) {
    // `true` (anything) or `false` (nothing): no structure to map.
    return json();
  }
  const described = (mapped: Mapped): Mapped =>
    typeof schema.description === 'string' && !mapped.description
      ? { ...mapped, description: schema.description }
      : mapped;

  if (typeof schema.$ref === 'string') {
    return described(mapRef(schema.$ref, path, ctx));
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[keyword])) {
      return described(
        mapAlternatives(schema[keyword] as Schema[], keyword, path, ctx),
      );
    }
  }
  if (Array.isArray(schema.allOf)) {
    return described(mapAllOf(schema, path, ctx));
  }

  const declared =
    typeof schema.type === 'string' ? [schema.type] : schema.type;
  const types = Array.isArray(declared)
    ? (declared as string[])
    : inferTypes(schema);
  const nullable = types.includes('null');
  const nonNull = types.filter(type => type !== 'null');
  let mapped: Mapped;
  if (nonNull.length === 1) {
    mapped = mapType(nonNull[0], schema, path, ctx);
  } else if (
    nonNull.length === 2 &&
    nonNull.includes('integer') &&
    nonNull.includes('number')
  ) {
    mapped = scalar('FLOAT64');
  } else {
    if (nonNull.length > 1) {
      ctx.notes.push(
        `${path || '/'}: a value of several types (${nonNull.join(
          ', ',
        )}) is kept as JSON`,
      );
    }
    mapped = json();
  }
  return described({ ...mapped, nullable: mapped.nullable || nullable });
}

/** The types a schema without `type` allows, judged by its keywords. */
function inferTypes(schema: Record<string, unknown>): string[] {
  if (schema.properties !== undefined) return ['object'];
  if (schema.items !== undefined || schema.prefixItems !== undefined) {
    return ['array'];
  }
  let values: unknown[] | undefined;
  if (Array.isArray(schema.enum)) values = schema.enum;
  else if ('const' in schema) values = [schema.const];
  if (!values || values.length === 0) return [];
  const types = new Set(values.map(jsonTypeOf));
  if (types.has('integer') && types.has('number')) types.delete('integer');
  return [...types];
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

function mapType(
  type: string,
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped {
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') {
        return scalar('TIMESTAMP', { kind: 'timestamp-text' });
      }
      if (schema.format === 'date') return scalar('DATE');
      // Enums included: BigQuery has no enum type, and a STRING column
      // takes values added to the enum later without a schema change.
      return scalar('STRING');
    case 'integer':
      return scalar('INT64');
    case 'number':
      return scalar('FLOAT64');
    case 'boolean':
      return scalar('BOOL');
    case 'array':
      return mapArray(schema, path, ctx);
    case 'object':
      return mapObject(schema, path, ctx);
    default:
      return json();
  }
}

function mapArray(
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped {
  // Tuples (2020-12 `prefixItems`, draft-07 array-valued `items`) have a
  // type per position, which a REPEATED column cannot have.
  if (schema.prefixItems !== undefined || Array.isArray(schema.items)) {
    ctx.notes.push(`${path}: a tuple is kept as JSON`);
    return json();
  }
  if (schema.items === undefined || schema.items === true) {
    return json();
  }
  const items = map(schema.items as Schema, `${path}/items`, ctx);
  return arrayOf(items, ctx.notes, path || '/');
}

function mapObject(
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped {
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (!properties || Object.keys(properties).length === 0) {
    // A map (`additionalProperties` or `patternProperties` only) or a free
    // object: its keys are data, not columns.
    return json();
  }
  const fields: BigQueryField[] = [];
  const conversions: RecordFieldConversion[] = [];
  const taken = new Set<string>();
  for (const [name, property] of Object.entries(properties)) {
    let column = columnNameFor(name);
    if (taken.has(column.toLowerCase())) {
      // Column names are compared without case: `userId` next to `userid`.
      column = columnNameFor(`${name}\u0000`);
      ctx.notes.push(
        `${path}/properties/${name}: differs from another property only by case; its column is ${column}`,
      );
    }
    taken.add(column.toLowerCase());
    const mapped = map(property, `${path}/properties/${name}`, ctx);
    const description =
      column === name ? mapped.description : renamedDescription(name, mapped);
    fields.push(toField(column, mapped, description));
    conversions.push({ source: name, column, value: mapped.conversion });
  }
  return {
    type: 'RECORD',
    repeated: false,
    nullable: false,
    fields,
    conversion: { kind: 'record', fields: conversions },
  };
}

/** A renamed column says which field it holds. */
export function renamedDescription(name: string, mapped: Mapped): string {
  const original = `Field "${name}".`;
  return mapped.description ? `${original} ${mapped.description}` : original;
}

function mapAlternatives(
  branches: Schema[],
  keyword: string,
  path: string,
  ctx: Context,
): Mapped {
  const isNull = (branch: Schema) =>
    typeof branch === 'object' && branch !== null && branch.type === 'null';
  const others = branches.filter(branch => !isNull(branch));
  if (others.length === 1) {
    const mapped = map(others[0], `${path}/${keyword}`, ctx);
    return {
      ...mapped,
      nullable: mapped.nullable || others.length < branches.length,
    };
  }
  ctx.notes.push(
    `${path || '/'}: ${keyword} with ${
      others.length
    } alternatives is kept as JSON`,
  );
  return json();
}

function mapAllOf(
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped {
  const { allOf, ...rest } = schema;
  const parts = [rest, ...(allOf as Schema[])].map(part =>
    resolveShallow(part, ctx),
  );
  // The common use: an object assembled from parts, each adding properties.
  const properties: Record<string, Schema> = {};
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    if (part.type !== undefined && part.type !== 'object') {
      ctx.notes.push(`${path || '/'}: allOf of non-objects is kept as JSON`);
      return json();
    }
    Object.assign(properties, part.properties ?? {});
  }
  return map({ type: 'object', properties }, path, ctx);
}

function resolveShallow(schema: Schema, ctx: Context): Schema {
  if (typeof schema === 'object' && typeof schema.$ref === 'string') {
    return resolvePointer(ctx.root, schema.$ref) ?? true;
  }
  return schema;
}

function mapRef(ref: string, path: string, ctx: Context): Mapped {
  if (ctx.expanding.includes(ref)) {
    ctx.notes.push(
      `${path || '/'}: the recursive reference ${ref} is kept as JSON`,
    );
    return json();
  }
  const target = resolvePointer(ctx.root, ref);
  if (target === undefined) {
    ctx.notes.push(
      `${path || '/'}: the reference ${ref} is not in the schema; kept as JSON`,
    );
    return json();
  }
  ctx.expanding.push(ref);
  try {
    return map(target, path, ctx);
  } finally {
    ctx.expanding.pop();
  }
}

/** In-document references only, as the registry requires. */
function resolvePointer(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) {
    return findAnchor(root, pointer);
  }
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node === undefined ? undefined : (node as Schema);
}

/** `#name` references to an `$anchor` (2020-12) or `$id: "#name"` (draft-07). */
function findAnchor(node: unknown, anchor: string): Schema | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const object = node as Record<string, unknown>;
  if (object.$anchor === anchor || object.$id === `#${anchor}`) {
    return object;
  }
  for (const value of Object.values(object)) {
    const found = findAnchor(value, anchor);
    if (found !== undefined) return found;
  }
  return undefined;
}
