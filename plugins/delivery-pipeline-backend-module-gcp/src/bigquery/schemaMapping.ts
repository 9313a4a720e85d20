import {
  CIPHERTEXT_PREFIX,
  FieldPathStep,
  parseFieldPath,
  personalDataReadPermission,
  PSEUDONYM_PREFIX,
} from '@data-collection/plugin-delivery-pipeline-common';
import { parseSchema } from '@data-collection/plugin-event-schemas-common';
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
  /**
   * Paths under `data` that hold personal data, as the registry lists them:
   * `user.email`, `contacts[].email`, `attributes.{}.name`.
   */
  personalDataFields?: string[];
  /** The path of the data subject's field (personal data too), e.g. `user_id`. */
  dataSubject?: string;
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
 *
 * Personal data is stored as ingest wrote it: a string (ciphertext, or the
 * data subject's pseudonym) whatever the field's type in the schema, so its
 * column is a STRING (see {@link markPersonalData}).
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
  const data = markPersonalData({
    data: {
      field: toField(DATA_COLUMN, mapped, dataDescription(mapped)),
      conversion: mapped.conversion,
    },
    paths: options.personalDataFields ?? [],
    dataSubject: options.dataSubject,
    policyTag: options.personalDataPolicyTag,
    notes,
  });
  return {
    fields: [...ENVELOPE_FIELDS.map(field => ({ ...field })), data.field],
    data: data.conversion,
    notes,
  };
}

function dataDescription(mapped: Mapped): string {
  return mapped.description
    ? `The event's data. ${mapped.description}`
    : "The event's data.";
}

/** A column and how values become its values. */
type Column = { field: BigQueryField; conversion: ValueConversion };

const AS_IS: ValueConversion = { kind: 'as-is' };

/** How a personal value is stored (see delivery-pipeline-common). */
type Storage = 'ciphertext' | 'pseudonym';

const STORAGE_DESCRIPTIONS: Record<Storage | 'inside', string> = {
  ciphertext: `Ciphertext of personal data (${CIPHERTEXT_PREFIX}<key id>:<sealed>), whatever the field's type in the schema: encrypted with the key of the event's data subject, unreadable for good once they are erased. Readers with ${personalDataReadPermission.name} on the event type open it through the delivery pipeline's decrypt API (POST /api/delivery-pipeline/personal-data/decrypt, or PersonalDataDecrypter of delivery-pipeline-node).`,
  pseudonym: `The data subject's pseudonym (${PSEUDONYM_PREFIX}<key id>), not their id: the same for one person in every event type until they are erased, so rows can be counted and joined per person.`,
  inside: `Some values inside are personal data, each stored as ciphertext (${CIPHERTEXT_PREFIX}<key id>:<sealed>) under the key of the event's data subject; readers with ${personalDataReadPermission.name} open them through the delivery pipeline's decrypt API.`,
};

/**
 * Makes the columns of personal data paths hold what ingest stores there: a
 * path's column (a RECORD, REPEATED or scalar column alike) becomes one
 * NULLABLE STRING loaded as is, described as ciphertext, or as the
 * pseudonym for the data subject's path; inside a REPEATED RECORD
 * (`contacts[].email`) the leaf column inside it does. A path into a JSON
 * column (a map, `attributes.{}.name`) leaves the column JSON, its values
 * strings. Each gets the policy tag when configured. Paths that do not
 * reach a column (`contacts.email` without `[]`, which ingest does not
 * encrypt either) mark nothing and are noted.
 */
function markPersonalData(options: {
  data: Column;
  paths: string[];
  dataSubject?: string;
  policyTag?: string;
  notes: string[];
}): Column {
  const { dataSubject, policyTag, notes } = options;
  const paths = new Set(options.paths);
  if (dataSubject) paths.add(dataSubject);
  let data = options.data;
  for (const path of paths) {
    const storage = path === dataSubject ? 'pseudonym' : 'ciphertext';
    const marked = markPath(data, parseFieldPath(path), false, {
      storage,
      policyTag,
    });
    if (marked) {
      data = marked;
    } else {
      notes.push(
        `personal data field ${path} is not a column of the table; no column marked`,
      );
    }
  }
  return data;
}

/**
 * The column with `steps` marked, or undefined when they do not lead to a
 * column. Copies what it changes: mapped parts may be shared.
 */
function markPath(
  column: Column,
  steps: FieldPathStep[],
  /** Whether the last step entered the items of this REPEATED column. */
  inItems: boolean,
  mark: { storage: Storage; policyTag?: string },
): Column | undefined {
  const { field, conversion } = column;
  const [step, ...rest] = steps;
  if (isPersonal(field) && field.type !== 'JSON') {
    return column; // inside a field already personal: stored with it
  }
  if (step === undefined) {
    return {
      field: personalColumn(field, mark.storage, mark.policyTag, inItems),
      conversion: AS_IS,
    };
  }
  if (field.type === 'JSON') {
    return {
      field: described(field, STORAGE_DESCRIPTIONS.inside, mark.policyTag),
      conversion,
    };
  }
  if (step === 'items') {
    if (field.mode !== 'REPEATED' || inItems) return undefined;
    const items = conversion.kind === 'repeated' ? conversion.items : AS_IS;
    const marked = markPath({ field, conversion: items }, rest, true, mark);
    return (
      marked && {
        field: marked.field,
        conversion:
          marked.conversion.kind === 'as-is'
            ? AS_IS
            : { kind: 'repeated', items: marked.conversion },
      }
    );
  }
  if (
    step === 'values' ||
    (field.mode === 'REPEATED' && !inItems) ||
    conversion.kind !== 'record'
  ) {
    return undefined;
  }
  const entry = conversion.fields.find(f => f.source === step.property);
  const child = entry && field.fields?.find(f => f.name === entry.column);
  if (!entry || !child) return undefined;
  const marked = markPath(
    { field: child, conversion: entry.value },
    rest,
    false,
    mark,
  );
  if (!marked) return undefined;
  return {
    field: {
      ...field,
      fields: field.fields!.map(f => (f === child ? marked.field : f)),
    },
    conversion: {
      kind: 'record',
      fields: conversion.fields.map(f =>
        f === entry ? { ...f, value: marked.conversion } : f,
      ),
    },
  };
}

/** The STRING column a personal path's value is stored in. */
function personalColumn(
  field: BigQueryField,
  storage: Storage,
  policyTag: string | undefined,
  inItems: boolean,
): BigQueryField {
  return described(
    {
      name: field.name,
      type: 'STRING',
      // Items of an array (`tags[]`) each become a string; a whole array
      // or record becomes one.
      mode: inItems ? 'REPEATED' : 'NULLABLE',
      // Not a description of what was inside this column before.
      ...(field.description && !isPersonal(field)
        ? { description: field.description }
        : {}),
    },
    STORAGE_DESCRIPTIONS[storage],
    policyTag,
  );
}

/** A column this mapping (or an earlier one) marked as personal data. */
export function isPersonal(field: BigQueryField): boolean {
  return Boolean(field.description?.startsWith(PERSONAL_DATA_MARKER));
}

/**
 * Puts the personal data marker, the field's own description and what the
 * column stores in its description, once.
 */
function described(
  field: BigQueryField,
  storage: string,
  policyTag: string | undefined,
): BigQueryField {
  const own = field.description;
  const description = isPersonal(field)
    ? own
    : truncateDescription(
        [PERSONAL_DATA_MARKER, own && sentence(own), storage]
          .filter(Boolean)
          .join(' '),
      );
  return {
    ...field,
    description,
    ...(policyTag ? { policyTags: { names: [policyTag] } } : {}),
  };
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
