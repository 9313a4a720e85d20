/**
 * BigQuery column types as the REST API's `TableFieldSchema.type` names them.
 *
 * @public
 */
export type BigQueryType =
  | 'STRING'
  | 'BYTES'
  | 'INT64'
  | 'FLOAT64'
  | 'NUMERIC'
  | 'BIGNUMERIC'
  | 'BOOL'
  | 'TIMESTAMP'
  | 'DATE'
  | 'TIME'
  | 'DATETIME'
  | 'JSON'
  | 'RECORD';

/** @public */
export type BigQueryMode = 'NULLABLE' | 'REQUIRED' | 'REPEATED';

/**
 * A column, in the REST API's `TableFieldSchema` shape.
 *
 * @public
 */
export type BigQueryField = {
  name: string;
  type: BigQueryType;
  mode: BigQueryMode;
  fields?: BigQueryField[];
  description?: string;
  policyTags?: { names: string[] };
};

/**
 * How a value of the event's JSON becomes the value BigQuery's JSON loader
 * accepts for its column. Most values load as they are; the others are
 * what the schema's JSON encoding and BigQuery's disagree on.
 *
 * @public
 */
export type ValueConversion =
  /** Loads as it is: strings, numbers, booleans, DATE text, JSON columns. */
  | { kind: 'as-is' }
  /** RFC 3339 text, cut to the microseconds BigQuery keeps. */
  | { kind: 'timestamp-text' }
  /** Avro timestamp-millis/-micros: a number since the epoch → UTC text. */
  | { kind: 'epoch'; unit: 'millis' | 'micros'; zone: 'utc' | 'local' }
  /** Avro date: days since the epoch → `YYYY-MM-DD`. */
  | { kind: 'epoch-days' }
  /** Avro time-millis/-micros: time of day → `HH:MM:SS.ffffff`. */
  | { kind: 'time-of-day'; unit: 'millis' | 'micros' }
  /** Avro bytes/fixed in JSON (one character per byte) → base64. */
  | { kind: 'latin1-bytes' }
  /** Avro decimal: big-endian two's complement bytes, scaled → decimal text. */
  | { kind: 'decimal-bytes'; scale: number }
  /** A RECORD: each known field renamed to its column and converted. */
  | { kind: 'record'; fields: RecordFieldConversion[] }
  /** A REPEATED column: each item converted. */
  | { kind: 'repeated'; items: ValueConversion };

/** @public */
export type RecordFieldConversion = {
  /** The member name in the event's JSON. */
  source: string;
  /** The column name. */
  column: string;
  value: ValueConversion;
};

/**
 * A schema's columns and how to turn its events into rows.
 *
 * @public
 */
export type TableMapping = {
  /** Every column of the table, envelope first, `data` last. */
  fields: BigQueryField[];
  /** How to convert an event's `data` into the `data` column. */
  data: ValueConversion;
  /**
   * Parts of the schema that could not be mapped as written (and were
   * mapped to JSON instead), for the log.
   */
  notes: string[];
};
