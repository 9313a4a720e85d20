import { renamedDescription } from './jsonSchemaFields';
import { columnNameFor } from './names';
import { arrayOf, json, Mapped, scalar, toField } from './mapped';
import { BigQueryField, RecordFieldConversion } from './types';

type AvroSchema = string | AvroSchema[] | Record<string, unknown>;

type Context = {
  notes: string[];
  /** Named types by full name, as they are defined. */
  named: Map<string, Record<string, unknown>>;
  /** Records being expanded, to stop at recursion. */
  expanding: string[];
};

/**
 * Maps an Avro schema, in the normalized form the registry's parseSchema
 * returns (full names, `{"type": "x"}` written `"x"`), to BigQuery,
 * following the table in docs/bigquery-types.md. The events' data is Avro's
 * "natural" JSON, as the registry validates it: a union value is the plain
 * value, bytes and fixed are strings of one character per byte.
 */
export function mapAvroSchema(schema: unknown, notes: string[]): Mapped {
  return map(schema as AvroSchema, '', {
    notes,
    named: new Map(),
    expanding: [],
  });
}

function map(schema: AvroSchema, path: string, ctx: Context): Mapped {
  if (typeof schema === 'string') {
    return mapName(schema, path, ctx);
  }
  if (Array.isArray(schema)) {
    return mapUnion(schema, path, ctx);
  }
  const doc = typeof schema.doc === 'string' ? schema.doc : undefined;
  const mapped = mapComplex(schema, path, ctx);
  return doc && !mapped.description ? { ...mapped, description: doc } : mapped;
}

function mapName(name: string, path: string, ctx: Context): Mapped {
  switch (name) {
    case 'null':
      // A field that can only be null: nothing to type it by.
      return { ...json(), nullable: true };
    case 'boolean':
      return scalar('BOOL');
    case 'int':
    case 'long':
      return scalar('INT64');
    case 'float':
    case 'double':
      return scalar('FLOAT64');
    case 'bytes':
      return scalar('BYTES', { kind: 'latin1-bytes' });
    case 'string':
      return scalar('STRING');
    default: {
      const definition = ctx.named.get(name);
      if (!definition) {
        ctx.notes.push(`${path || '/'}: unknown type ${name}; kept as JSON`);
        return json();
      }
      return mapNamedReference(definition, path, ctx);
    }
  }
}

function mapNamedReference(
  definition: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped {
  const name = definition.name as string;
  if (ctx.expanding.includes(name)) {
    ctx.notes.push(
      `${path || '/'}: the recursive record ${name} is kept as JSON`,
    );
    return json();
  }
  return mapComplex(definition, path, ctx, { reference: true });
}

function mapComplex(
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
  options: { reference?: boolean } = {},
): Mapped {
  const type = schema.type;
  if (
    !options.reference &&
    typeof schema.name === 'string' &&
    ['record', 'error', 'enum', 'fixed'].includes(type as string)
  ) {
    ctx.named.set(schema.name, schema);
  }
  const logical = mapLogical(schema, path, ctx);
  if (logical) return logical;
  switch (type) {
    case 'record':
    case 'error':
      return mapRecord(schema, path, ctx);
    case 'enum':
      return scalar('STRING');
    case 'fixed':
      return scalar('BYTES', { kind: 'latin1-bytes' });
    case 'array':
      return arrayOf(
        map(schema.items as AvroSchema, `${path}/items`, ctx),
        ctx.notes,
        path || '/',
      );
    case 'map':
      // Keys are data, not columns. A REPEATED key/value RECORD would type
      // the values but makes every read an UNNEST; JSON reads as
      // `data.attributes.colour` and takes any value.
      map(schema.values as AvroSchema, `${path}/values`, ctx);
      return json();
    default:
      // `{"type": "string", ...}` with attributes other than a known
      // logical type: the primitive.
      return typeof type === 'string' || Array.isArray(type)
        ? map(type as AvroSchema, path, ctx)
        : json();
  }
}

function mapLogical(
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped | undefined {
  const { type, logicalType } = schema;
  switch (logicalType) {
    case 'timestamp-millis':
    case 'timestamp-micros':
      if (type !== 'long') return undefined;
      return scalar('TIMESTAMP', {
        kind: 'epoch',
        unit: logicalType === 'timestamp-millis' ? 'millis' : 'micros',
        zone: 'utc',
      });
    case 'local-timestamp-millis':
    case 'local-timestamp-micros':
      if (type !== 'long') return undefined;
      return scalar('DATETIME', {
        kind: 'epoch',
        unit: logicalType === 'local-timestamp-millis' ? 'millis' : 'micros',
        zone: 'local',
      });
    case 'date':
      return type === 'int'
        ? scalar('DATE', { kind: 'epoch-days' })
        : undefined;
    case 'time-millis':
      return type === 'int'
        ? scalar('TIME', { kind: 'time-of-day', unit: 'millis' })
        : undefined;
    case 'time-micros':
      return type === 'long'
        ? scalar('TIME', { kind: 'time-of-day', unit: 'micros' })
        : undefined;
    case 'decimal':
      return type === 'bytes' || type === 'fixed'
        ? mapDecimal(schema, path, ctx)
        : undefined;
    case 'uuid':
      return type === 'string' ? scalar('STRING') : undefined;
    default:
      // Unknown logical types read as their underlying type (Avro spec).
      return undefined;
  }
}

/**
 * NUMERIC holds 38 digits with 9 after the point (29 before); BIGNUMERIC 76
 * with 38 after. Decimals that fit neither are kept exactly, as text.
 */
function mapDecimal(
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped {
  const precision = Number(schema.precision);
  const scale = Number(schema.scale ?? 0);
  const conversion = { kind: 'decimal-bytes', scale } as const;
  if (scale <= 9 && precision - scale <= 29) {
    return scalar('NUMERIC', conversion);
  }
  if (scale <= 38 && precision - scale <= 38) {
    return scalar('BIGNUMERIC', conversion);
  }
  ctx.notes.push(
    `${
      path || '/'
    }: decimal(${precision}, ${scale}) exceeds BIGNUMERIC; kept as STRING`,
  );
  return scalar('STRING', conversion);
}

function mapRecord(
  schema: Record<string, unknown>,
  path: string,
  ctx: Context,
): Mapped {
  const recordFields = (schema.fields ?? []) as Array<Record<string, unknown>>;
  if (recordFields.length === 0) {
    // BigQuery has no RECORD without fields.
    return json();
  }
  ctx.expanding.push(schema.name as string);
  try {
    const fields: BigQueryField[] = [];
    const conversions: RecordFieldConversion[] = [];
    const taken = new Set<string>();
    for (const field of recordFields) {
      const name = field.name as string;
      let column = columnNameFor(name);
      if (taken.has(column.toLowerCase())) {
        column = columnNameFor(`${name}\u0000`);
        ctx.notes.push(
          `${path}/${name}: differs from another field only by case; its column is ${column}`,
        );
      }
      taken.add(column.toLowerCase());
      const mapped = map(field.type as AvroSchema, `${path}/${name}`, ctx);
      const doc = typeof field.doc === 'string' ? field.doc : undefined;
      const withDoc = doc ? { ...mapped, description: doc } : mapped;
      fields.push(
        toField(
          column,
          withDoc,
          column === name
            ? withDoc.description
            : renamedDescription(name, withDoc),
        ),
      );
      conversions.push({ source: name, column, value: mapped.conversion });
    }
    return {
      type: 'RECORD',
      repeated: false,
      nullable: false,
      fields,
      conversion: { kind: 'record', fields: conversions },
    };
  } finally {
    ctx.expanding.pop();
  }
}

function mapUnion(branches: AvroSchema[], path: string, ctx: Context): Mapped {
  const others = branches.filter(branch => branch !== 'null');
  // Map every branch, also those we then keep as JSON: named types defined
  // inside a union may be referenced later by name.
  const mapped = others.map(branch => map(branch, path, ctx));
  if (mapped.length === 1) {
    return { ...mapped[0], nullable: others.length < branches.length };
  }
  if (mapped.length > 1) {
    ctx.notes.push(
      `${path || '/'}: a union of ${mapped.length} types is kept as JSON`,
    );
  }
  return { ...json(), nullable: others.length < branches.length };
}
