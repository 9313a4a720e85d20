import { SAMPLE_STRING, SAMPLE_UUID } from './sampleValues';

type AvroObject = Record<string, unknown>;

const NOTHING = Symbol('nothing');
type Generated = unknown | typeof NOTHING;

const NAMED = new Set(['record', 'error', 'enum', 'fixed']);
const DAY_MS = 86_400_000;

type Context = {
  /** Every named type of the schema by full name. */
  named: Map<string, AvroObject>;
  at: Date;
  /** Whether to take field and enum defaults as they are. */
  hints: boolean;
  /** The records being generated, to stop at the first repetition. */
  records: string[];
};

/**
 * An example value of an Avro schema in its natural JSON form (what the
 * pipeline validates): records with every field, enums' first symbol,
 * arrays and maps of one item, unions' first non-null branch, logical types
 * as their underlying values (timestamp-millis as epoch milliseconds).
 * Field defaults are taken where they are not null. `schema` is the
 * normalized JSON parseSchema gives, where every name is a full name.
 */
export function avroExample(options: {
  schema: unknown;
  at: Date;
  hints: boolean;
}): unknown {
  const { schema, at, hints } = options;
  const named = new Map<string, AvroObject>();
  collectNamed(schema, named);
  const value = generate(schema, { named, at, hints, records: [] });
  return value === NOTHING ? null : value;
}

// A union's skipped branch may be the only place a name is defined, so
// every definition is known before generating.
function collectNamed(schema: unknown, named: Map<string, AvroObject>): void {
  if (Array.isArray(schema)) {
    schema.forEach(branch => collectNamed(branch, named));
    return;
  }
  if (!isObject(schema)) return;
  if (NAMED.has(schema.type as string) && typeof schema.name === 'string') {
    named.set(schema.name, schema);
  }
  if (Array.isArray(schema.fields)) {
    for (const field of schema.fields as AvroObject[]) {
      collectNamed(field.type, named);
    }
  }
  collectNamed(schema.items, named);
  collectNamed(schema.values, named);
}

function generate(schema: unknown, context: Context): Generated {
  if (typeof schema === 'string') {
    const definition = context.named.get(schema);
    return definition ? generate(definition, context) : primitive(schema);
  }
  if (Array.isArray(schema)) {
    const branches = [
      ...schema.filter(branch => branch !== 'null'),
      ...schema.filter(branch => branch === 'null'),
    ];
    for (const branch of branches) {
      const value = generate(branch, context);
      if (value !== NOTHING) return value;
    }
    return NOTHING;
  }
  if (!isObject(schema)) return NOTHING;

  const type = schema.type as string;
  if (typeof schema.logicalType === 'string') {
    const value = logical(schema, context.at);
    if (value !== undefined) return value;
  }
  switch (type) {
    case 'record':
    case 'error':
      return record(schema, context);
    case 'enum': {
      const symbols = schema.symbols as string[];
      return context.hints && symbols.includes(schema.default as string)
        ? schema.default
        : symbols[0];
    }
    case 'fixed':
      return 'a'.repeat(schema.size as number);
    case 'array': {
      const item = generate(schema.items, context);
      return item === NOTHING ? [] : [item];
    }
    case 'map': {
      const value = generate(schema.values, context);
      return value === NOTHING ? {} : { key: value };
    }
    default:
      return primitive(type);
  }
}

function record(schema: AvroObject, context: Context): Generated {
  const name = schema.name as string;
  if (context.records.includes(name)) return NOTHING;
  context.records.push(name);
  try {
    const value: AvroObject = {};
    for (const field of schema.fields as AvroObject[]) {
      const fieldName = field.name as string;
      const hasDefault = field.default !== undefined;
      if (context.hints && hasDefault && field.default !== null) {
        value[fieldName] = field.default;
        continue;
      }
      const generated = generate(field.type, context);
      if (generated !== NOTHING) {
        value[fieldName] = generated;
      } else if (hasDefault) {
        value[fieldName] = field.default;
      } else {
        return NOTHING;
      }
    }
    return value;
  } finally {
    context.records.pop();
  }
}

function primitive(type: string): Generated {
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return true;
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 0;
    case 'string':
      return SAMPLE_STRING;
    case 'bytes':
      return 'bytes';
    default:
      return NOTHING;
  }
}

/** Logical types as the JSON of their underlying type; undefined if unknown. */
function logical(schema: AvroObject, at: Date): unknown {
  const ms = at.getTime();
  const msOfDay = ms % DAY_MS;
  switch (schema.logicalType) {
    case 'timestamp-millis':
    case 'local-timestamp-millis':
      return schema.type === 'long' ? ms : undefined;
    case 'timestamp-micros':
    case 'local-timestamp-micros':
      return schema.type === 'long' ? ms * 1000 : undefined;
    case 'date':
      return schema.type === 'int' ? Math.floor(ms / DAY_MS) : undefined;
    case 'time-millis':
      return schema.type === 'int' ? msOfDay : undefined;
    case 'time-micros':
      return schema.type === 'long' ? msOfDay * 1000 : undefined;
    case 'uuid':
      return schema.type === 'string' ? SAMPLE_UUID : undefined;
    default:
      // decimal and duration are bytes or fixed: the generic value fits.
      return undefined;
  }
}

function isObject(value: unknown): value is AvroObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
