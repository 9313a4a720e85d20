import {
  DATA_COLUMN,
  EXTENSIONS_COLUMN,
  RECEIVED_AT_COLUMN,
} from './schemaMapping';
import { ValueConversion } from './types';

/** Attributes that have their own column, under the same name. */
const ENVELOPE_ATTRIBUTES = new Set([
  'id',
  'source',
  'type',
  'specversion',
  'subject',
  'datacontenttype',
  'dataschema',
]);

type RawJsonApi = {
  rawJSON(text: string): unknown;
  isRawJSON(value: unknown): boolean;
};
const RAW = JSON as unknown as RawJsonApi;

/**
 * Turns one delivered line (a CloudEvent in the structured JSON format
 * plus the pipeline's `receivedAt`) into one line of the table's row shape:
 * the envelope attributes in their columns, `receivedAt` in `received_at`,
 * other attributes in `extensions`, `data` converted (see ValueConversion).
 * JSON.stringify of the row is a line BigQuery's JSON loader takes.
 */
export function toRow(
  line: string,
  data: ValueConversion,
): Record<string, unknown> {
  const event = parseExact(line) as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  const extensions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (value === null || value === undefined) continue;
    if (ENVELOPE_ATTRIBUTES.has(name)) {
      row[name] = value;
    } else if (name === 'time') {
      row.time = timestampText(value);
    } else if (name === 'receivedAt') {
      row[RECEIVED_AT_COLUMN] = value;
    } else if (name !== 'data') {
      extensions[name] = value;
    }
  }
  if (Object.keys(extensions).length > 0) {
    row[EXTENSIONS_COLUMN] = extensions;
  }
  if (event.data !== undefined && event.data !== null) {
    row[DATA_COLUMN] = convert(event.data, data);
  }
  return row;
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact: an Avro long or a
 * JSON Schema integer may hold any 64-bit value, and BigQuery reads the
 * digits as written.
 */
function parseExact(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? RAW.rawJSON(context.source)
      : value,
  );
}

export function convert(value: unknown, conversion: ValueConversion): unknown {
  if (value === null || value === undefined) return value;
  switch (conversion.kind) {
    case 'as-is':
      return value;
    case 'timestamp-text':
      return timestampText(value);
    case 'epoch':
      return epochText(value, conversion.unit, conversion.zone);
    case 'epoch-days':
      return typeof value === 'number'
        ? new Date(value * 86_400_000).toISOString().slice(0, 10)
        : value;
    case 'time-of-day':
      return timeOfDay(value, conversion.unit);
    case 'latin1-bytes':
      return typeof value === 'string'
        ? Buffer.from(value, 'latin1').toString('base64')
        : value;
    case 'decimal-bytes':
      return typeof value === 'string'
        ? decimalText(Buffer.from(value, 'latin1'), conversion.scale)
        : value;
    case 'repeated':
      return Array.isArray(value)
        ? value.map(item => convert(item, conversion.items))
        : value;
    case 'record': {
      if (!isPlainObject(value)) return value;
      const row: Record<string, unknown> = {};
      for (const field of conversion.fields) {
        const member = value[field.source];
        // Null and absent both load as NULL (an empty REPEATED column);
        // omitting them keeps REPEATED columns from receiving null.
        if (member !== null && member !== undefined) {
          row[field.column] = convert(member, field.value);
        }
      }
      // Members the schema does not name have no column: left out.
      return row;
    }
    default:
      return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !RAW.isRawJSON(value)
  );
}

const RFC3339 =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * RFC 3339 text as BigQuery's TIMESTAMP accepts it. RFC 3339 (and so
 * CloudEvents `time` and JSON Schema `date-time`) allows any number of
 * fraction digits, and producers often write nanoseconds (Go's
 * RFC3339Nano); BigQuery keeps microseconds and rejects more digits, and it
 * rejects a leap second. Both would fail the whole load; the fraction is
 * cut to 6 digits and 23:59:60 read as 23:59:59.999999.
 */
export function timestampText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = RFC3339.exec(value);
  if (!match) return value;
  const [, date, hours, minutes, seconds, fraction = '', zone] = match;
  const leap = seconds === '60';
  const digits = leap ? '999999' : fraction.slice(0, 6);
  return `${date}T${hours}:${minutes}:${leap ? '59' : seconds}${
    digits ? `.${digits}` : ''
  }${zone.toUpperCase()}`;
}

function epochText(
  value: unknown,
  unit: 'millis' | 'micros',
  zone: 'utc' | 'local',
): unknown {
  const micros = integerOf(value);
  if (micros === undefined) return value;
  const total = unit === 'millis' ? micros * 1000n : micros;
  let millis = total / 1000n;
  let rest = total % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    millis -= 1n;
  }
  const date = new Date(Number(millis));
  // Out of Date's range: left for BigQuery to refuse, loudly.
  if (Number.isNaN(date.getTime())) return value;
  const iso = date.toISOString(); // ...SS.mmmZ
  const text = `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}`;
  return zone === 'utc' ? `${text}Z` : text;
}

function timeOfDay(value: unknown, unit: 'millis' | 'micros'): unknown {
  const amount = integerOf(value);
  if (amount === undefined) return value;
  const micros = unit === 'millis' ? amount * 1000n : amount;
  const pad = (n: bigint, width: number) => String(n).padStart(width, '0');
  const seconds = micros / 1_000_000n;
  return `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(
    seconds % 60n,
    2,
  )}.${pad(micros % 1_000_000n, 6)}`;
}

function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return BigInt(value);
  }
  if (RAW.isRawJSON(value)) {
    return BigInt((value as { rawJSON: string }).rawJSON);
  }
  return undefined;
}

/** An Avro decimal's bytes: a big-endian two's-complement unscaled integer. */
export function decimalText(bytes: Buffer, scale: number): string {
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && bytes[0] & 0x80) {
    unscaled -= 1n << BigInt(bytes.length * 8);
  }
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled)
    .toString()
    .padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}
