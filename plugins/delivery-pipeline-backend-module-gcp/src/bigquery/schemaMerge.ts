import { BigQueryField } from './types';

/** The older names the API may return for the types we create. */
const TYPE_ALIASES: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  STRUCT: 'RECORD',
  BIGDECIMAL: 'BIGNUMERIC',
};

const canonicalType = (type: string) =>
  TYPE_ALIASES[type.toUpperCase()] ?? type.toUpperCase();

/** What merging a newer schema into a table's columns found. */
export type SchemaMerge = {
  fields: BigQueryField[];
  /** Columns added, as dotted paths. */
  added: string[];
  /** Columns whose description, policy tag or mode (relaxed) changed. */
  updated: string[];
  /**
   * Columns the newer schema types differently. BigQuery cannot change a
   * column's type in place, so they keep their type.
   */
  conflicts: SchemaConflict[];
};

/** A column the table has with another type (or mode) than wanted. */
export type SchemaConflict = {
  /** Dotted column path, e.g. `data.user.age`. */
  path: string;
  existing: BigQueryField;
  wanted: BigQueryField;
};

/** `data.age: the table has NULLABLE INT64, the schema wants NULLABLE STRING`. */
export function describeConflict(conflict: SchemaConflict): string {
  const { path, existing, wanted } = conflict;
  return `${path}: the table has ${existing.mode ?? 'NULLABLE'} ${
    existing.type
  }, the schema wants ${wanted.mode} ${wanted.type}`;
}

/**
 * Merges the columns a schema wants into a table's columns, as far as
 * BigQuery allows changing a table in place: columns are added (NULLABLE,
 * or REPEATED), REQUIRED ones may become NULLABLE, descriptions and policy
 * tags may change. Columns are never dropped or retyped: a field the newer
 * schema no longer has keeps its column (and the history in it).
 */
export function mergeSchema(
  existing: BigQueryField[],
  desired: BigQueryField[],
): SchemaMerge {
  const result: SchemaMerge = {
    fields: [],
    added: [],
    updated: [],
    conflicts: [],
  };
  result.fields = mergeLevel(existing, desired, '', result);
  return result;
}

function mergeLevel(
  existing: BigQueryField[],
  desired: BigQueryField[],
  prefix: string,
  result: SchemaMerge,
): BigQueryField[] {
  const wanted = new Map(desired.map(f => [f.name.toLowerCase(), f]));
  const merged = existing.map(field => {
    const want = wanted.get(field.name.toLowerCase());
    wanted.delete(field.name.toLowerCase());
    return want
      ? mergeField(field, want, `${prefix}${field.name}`, result)
      : field;
  });
  for (const field of wanted.values()) {
    result.added.push(`${prefix}${field.name}`);
    merged.push(asAddable(field));
  }
  return merged;
}

function mergeField(
  field: BigQueryField,
  want: BigQueryField,
  path: string,
  result: SchemaMerge,
): BigQueryField {
  const mode = field.mode ?? 'NULLABLE';
  if (
    canonicalType(field.type) !== canonicalType(want.type) ||
    (mode === 'REPEATED') !== (want.mode === 'REPEATED')
  ) {
    result.conflicts.push({ path, existing: field, wanted: want });
    return field;
  }
  const next: BigQueryField = { ...field };
  const changes: string[] = [];
  if (mode === 'REQUIRED' && want.mode === 'NULLABLE') {
    next.mode = 'NULLABLE';
    changes.push('mode');
  }
  if (
    want.description !== undefined &&
    want.description !== field.description
  ) {
    next.description = want.description;
    changes.push('description');
  }
  // Policy tags are added or replaced, never removed here: taking column
  // protection off is a decision for a person, not for a schema change.
  const tags = want.policyTags?.names ?? [];
  if (
    tags.length > 0 &&
    JSON.stringify(tags) !== JSON.stringify(field.policyTags?.names ?? [])
  ) {
    next.policyTags = { names: tags };
    changes.push('policy tag');
  }
  if (changes.length > 0) {
    result.updated.push(`${path} (${changes.join(', ')})`);
  }
  if (canonicalType(field.type) === 'RECORD') {
    next.fields = mergeLevel(
      field.fields ?? [],
      want.fields ?? [],
      `${path}.`,
      result,
    );
  }
  return next;
}

/** BigQuery adds NULLABLE and REPEATED columns only, never REQUIRED ones. */
function asAddable(field: BigQueryField): BigQueryField {
  return {
    ...field,
    mode: field.mode === 'REPEATED' ? 'REPEATED' : 'NULLABLE',
    ...(field.fields ? { fields: field.fields.map(asAddable) } : {}),
  };
}

/** Whether merging changed anything. */
export function schemaChanged(merge: SchemaMerge): boolean {
  return merge.added.length > 0 || merge.updated.length > 0;
}
