import { parseSchema } from '@internal/plugin-event-schemas-common';
import { mapAvroSchema } from './avroFields';
import { mapJsonSchema } from './jsonSchemaFields';
import { Mapped, toField, truncateDescription } from './mapped';
import { BigQueryField, TableMapping, ValueConversion } from './types';

/** The column that partitions every table: when the pipeline received the event. */
export const RECEIVED_AT_COLUMN = 'received_at';
/** CloudEvents extension attributes, kept whole. */
export const EXTENSIONS_COLUMN = 'extensions';
export const DATA_COLUMN = 'data';

/** What a personal-data column's description starts with. */
export const PERSONAL_DATA_MARKER = '[personal data]';

/**
 * The CloudEvents envelope. Only what the pipeline guarantees for every
 * event is REQUIRED: the four attributes CloudEvents requires (ingest
 * rejects events without them) and the receive time the pipeline stamps.
 */
export const ENVELOPE_FIELDS: readonly BigQueryField[] = [
  {
    name: 'id',
    type: 'STRING',
    mode: 'REQUIRED',
    description: 'CloudEvents id: unique per source.',
  },
  {
    name: 'source',
    type: 'STRING',
    mode: 'REQUIRED',
    description: 'CloudEvents source: the context that produced the event.',
  },
  {
    name: 'type',
    type: 'STRING',
    mode: 'REQUIRED',
    description: 'CloudEvents type: the event type, the same in every row.',
  },
  {
    name: 'specversion',
    type: 'STRING',
    mode: 'REQUIRED',
    description: 'CloudEvents specversion.',
  },
  {
    name: 'time',
    type: 'TIMESTAMP',
    mode: 'NULLABLE',
    description:
      'CloudEvents time: when the producer says the event happened (cut to microseconds).',
  },
  {
    name: 'subject',
    type: 'STRING',
    mode: 'NULLABLE',
    description: 'CloudEvents subject.',
  },
  {
    name: 'datacontenttype',
    type: 'STRING',
    mode: 'NULLABLE',
    description: 'CloudEvents datacontenttype.',
  },
  {
    name: 'dataschema',
    type: 'STRING',
    mode: 'NULLABLE',
    description: 'CloudEvents dataschema.',
  },
  {
    name: RECEIVED_AT_COLUMN,
    type: 'TIMESTAMP',
    mode: 'REQUIRED',
    description:
      'When the delivery pipeline received the event; partitions the table by hour.',
  },
  {
    name: EXTENSIONS_COLUMN,
    type: 'JSON',
    mode: 'NULLABLE',
    description: 'CloudEvents extension attributes, by name.',
  },
];

export type SchemaToBigQueryOptions = {
  format: 'jsonschema' | 'avro';
  /** The schema text, as the registry returns it. */
  schema: string;
  /** Dotted paths under `data` that hold personal data, e.g. `user.email`. */
  personalDataFields?: string[];
  /**
   * A Data Catalog policy tag (`projects/p/locations/l/taxonomies/t/policyTags/x`)
   * put on every personal-data column, so column-level access control applies.
   */
  personalDataPolicyTag?: string;
};

/**
 * The table for events of one schema: the CloudEvents envelope, the
 * receive time, and a `data` column mapped from the schema.
 *
 * Every column under `data` is NULLABLE (or REPEATED), even for fields the
 * schema requires. A table outlives its schema's versions: BigQuery only
 * adds NULLABLE columns to an existing table, so a REQUIRED column could
 * only come from the first version; a later version that makes a field
 * optional (allowed by BACKWARD compatibility) would then fail every load
 * holding an event without it; and Avro fields with defaults, which a
 * writer may omit, are "required" to the schema. Requiredness is the
 * registry's to enforce (ingest validates every event), not the warehouse's.
 */
export function schemaToBigQuery(
  options: SchemaToBigQueryOptions,
): TableMapping {
  const notes: string[] = [];
  const mapped =
    options.format === 'avro'
      ? mapAvroSchema(
          (
            parseSchema({ format: 'avro', schema: options.schema }) as {
              json: unknown;
            }
          ).json,
          notes,
        )
      : mapJsonSchema(JSON.parse(options.schema), notes);
  const dataField = toField(DATA_COLUMN, mapped, dataDescription(mapped));
  markPersonalData({
    field: dataField,
    conversion: mapped.conversion,
    paths: options.personalDataFields ?? [],
    policyTag: options.personalDataPolicyTag,
    notes,
  });
  return {
    fields: [...ENVELOPE_FIELDS.map(field => ({ ...field })), dataField],
    data: mapped.conversion,
    notes,
  };
}

function dataDescription(mapped: Mapped): string {
  return mapped.description
    ? `The event's data. ${mapped.description}`
    : "The event's data.";
}

/**
 * Marks the columns of personal-data paths: a description prefix always,
 * the policy tag when configured. Policy tags go on leaf columns only
 * (BigQuery refuses them on a RECORD), so a path naming a record marks
 * every column inside it; a path into a JSON column marks the JSON column.
 */
function markPersonalData(options: {
  field: BigQueryField;
  conversion: ValueConversion;
  paths: string[];
  policyTag?: string;
  notes: string[];
}) {
  for (const path of options.paths) {
    const field = findColumn(options.field, options.conversion, path);
    if (field) {
      markLeaves(field, options.policyTag);
    } else {
      options.notes.push(
        `personal data field ${path} is not in the schema; no column marked`,
      );
    }
  }
}

/**
 * The column holding a dotted path: the column itself, or the JSON column
 * the path leads into (its keys are not columns).
 */
function findColumn(
  data: BigQueryField,
  dataConversion: ValueConversion,
  path: string,
): BigQueryField | undefined {
  let field = data;
  let conversion = dataConversion;
  for (const segment of path.split('.').filter(Boolean)) {
    if (field.type === 'JSON') return field;
    const entry = recordOf(conversion)?.fields.find(f => f.source === segment);
    const child = entry && field.fields?.find(f => f.name === entry.column);
    if (!entry || !child) return undefined;
    field = child;
    conversion = entry.value;
  }
  return field;
}

function recordOf(conversion: ValueConversion | undefined) {
  if (conversion?.kind === 'record') return conversion;
  if (conversion?.kind === 'repeated') return recordOf(conversion.items);
  return undefined;
}

function markLeaves(field: BigQueryField, policyTag?: string) {
  if (field.type === 'RECORD' && field.fields) {
    field.fields.forEach(child => markLeaves(child, policyTag));
    return;
  }
  if (!field.description?.startsWith(PERSONAL_DATA_MARKER)) {
    field.description = truncateDescription(
      field.description
        ? `${PERSONAL_DATA_MARKER} ${field.description}`
        : PERSONAL_DATA_MARKER,
    );
  }
  if (policyTag) {
    field.policyTags = { names: [policyTag] };
  }
}
