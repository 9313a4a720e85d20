import { bigQueryTableId } from '@data-collection/plugin-delivery-pipeline-common';
import {
  HOUR_MS,
  partitionTimeFolder,
} from '@data-collection/plugin-delivery-pipeline-node';
import { createHash } from 'node:crypto';

/** Most characters of a BigQuery column name. */
const MAX_COLUMN_NAME = 300;
/**
 * Prefixes BigQuery reserves for its own pseudo-columns; a column may not
 * start with them (compared without regard to case).
 */
const RESERVED_PREFIXES = [
  '_table_',
  '_file_',
  '_partition',
  '_row_timestamp',
  '__root__',
  '_colon_',
];
const VALID_COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The BigQuery column name for a field name of an event's data.
 *
 * A name that BigQuery accepts as it is (letters, digits and underscores,
 * not starting with a digit, at most 300 characters, no reserved prefix)
 * is kept, so that the columns read like the schema. Any other name has its
 * other characters replaced by `_`, a `_` prepended when it would start
 * with a digit or a reserved prefix, and a suffix of 6 hex digits of the
 * SHA-256 of the original name appended: the suffix keeps `a-b` and `a.b`
 * (both `a_b`) apart from each other and from a field really called `a_b`,
 * and depends on the name alone, so a column keeps its name in every later
 * version of the schema, whatever fields are added next to it.
 */
export function columnNameFor(fieldName: string): string {
  if (isValidColumnName(fieldName)) {
    return fieldName;
  }
  let base = fieldName.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(base) || hasReservedPrefix(base)) {
    base = `_${base}`;
  }
  const suffix = `_${sha256Hex(fieldName).slice(0, 6)}`;
  return `${base.slice(0, MAX_COLUMN_NAME - suffix.length)}${suffix}`;
}

/** Whether BigQuery accepts a column name as it is (classic rules). */
export function isValidColumnName(name: string): boolean {
  return (
    VALID_COLUMN.test(name) &&
    name.length <= MAX_COLUMN_NAME &&
    !hasReservedPrefix(name)
  );
}

function hasReservedPrefix(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_PREFIXES.some(prefix => lower.startsWith(prefix));
}

/** `2026-11-23T10:00:00.000Z` → `20261123T100000Z` (whole seconds). */
export function compactIso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/**
 * The id of the load job that loads one delivered partition (or one hour
 * of it): `delivery_<dataset>_<table>_<start>_<16 hex digits of the
 * checksum>`. The same partition always gets the same id, so a second
 * attempt finds the first one's job instead of loading again; a
 * redelivery (other files, other checksum) gets a new id. Job ids are
 * unique per project, not per dataset: the dataset is in the id so that
 * two installations sharing a project (staging and production datasets,
 * say) do not take each other's jobs for their own. BigQuery job ids allow
 * letters, digits, `_` and `-`, up to 1024 characters.
 */
export function loadJobIdFor(options: {
  datasetId: string;
  eventType: string;
  start: number;
  checksum: string;
}): string {
  const digest = options.checksum.replace(/^sha256:/, '').slice(0, 16);
  return `delivery_${options.datasetId}_${bigQueryTableId(
    options.eventType,
  )}_${compactIso(options.start)}_${digest}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The partition decorator of an hour: `table$YYYYMMDDHH`, the hour whose
 * folder holds the partition (`<yyyy-mm-dd>/<hh>`).
 */
export function hourDecorator(tableId: string, hourStart: number): string {
  return `${tableId}$${partitionTimeFolder(hourStart, HOUR_MS).replace(
    /[-/]/g,
    '',
  )}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
