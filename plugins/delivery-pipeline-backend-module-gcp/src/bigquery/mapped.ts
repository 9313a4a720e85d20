import { BigQueryField, BigQueryType, ValueConversion } from './types';

/** What a schema (or a part of one) maps to, before it has a column name. */
export type Mapped = {
  type: BigQueryType;
  /** An array: the column is REPEATED. */
  repeated: boolean;
  /** The value may be null (a REPEATED column cannot hold null items). */
  nullable: boolean;
  fields?: BigQueryField[];
  conversion: ValueConversion;
  description?: string;
};

const AS_IS: ValueConversion = { kind: 'as-is' };

export function scalar(
  type: BigQueryType,
  conversion: ValueConversion = AS_IS,
): Mapped {
  return { type, repeated: false, nullable: false, conversion };
}

/** A JSON column: the value is kept whole, whatever its shape. */
export function json(): Mapped {
  return scalar('JSON');
}

/** A column for a named member of a record. */
export function toField(
  name: string,
  mapped: Mapped,
  description?: string,
): BigQueryField {
  const text = description ?? mapped.description;
  return {
    name,
    type: mapped.type,
    // Data fields are never REQUIRED; see schemaMapping.ts for why.
    mode: mapped.repeated ? 'REPEATED' : 'NULLABLE',
    ...(mapped.fields ? { fields: mapped.fields } : {}),
    ...(text ? { description: truncateDescription(text) } : {}),
  };
}

/** BigQuery limits a column description to 1024 characters. */
export function truncateDescription(text: string): string {
  return text.length <= 1024 ? text : `${text.slice(0, 1023)}…`;
}

/**
 * Makes an array of the mapped items: a REPEATED column when BigQuery can
 * hold it, a JSON column when it cannot (arrays of arrays, null items).
 */
export function arrayOf(items: Mapped, notes: string[], path: string): Mapped {
  if (items.repeated) {
    notes.push(`${path}: an array of arrays is kept as JSON`);
    return json();
  }
  if (items.nullable) {
    notes.push(`${path}: an array whose items may be null is kept as JSON`);
    return json();
  }
  return {
    ...items,
    repeated: true,
    nullable: false,
    conversion:
      items.conversion.kind === 'as-is'
        ? items.conversion
        : { kind: 'repeated', items: items.conversion },
  };
}
