import { describeValue } from './describeValue';
import { isJsonMediaType, parseMediaType } from './mediaType';

/**
 * The rules of the CloudEvents 1.0 core spec and JSON format for context
 * attributes, checked on a plain object as JSON.parse returns it (or as
 * assembled from binary-mode headers).
 */

/** How an attribute is named in messages: `"time"`, or `"time" (header ce-time)`. */
export type AttributeLabel = (name: string) => string;

export const jsonAttributeLabel: AttributeLabel = name => `"${name}"`;

const REQUIRED_ATTRIBUTES = ['specversion', 'id', 'source', 'type'] as const;

/** Core spec: "lower-case letters ('a' to 'z') or digits ('0' to '9')". */
export const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/**
 * Characters the core spec's String type excludes: C0 and C1 controls, and
 * (with the `u` flag, which pairs surrogates) unpaired surrogates, which a
 * JSON `\ud800` escape can produce.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_STRING = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;

/**
 * RFC 3339 `date-time` with every field in range, except days 29-31, which
 * depend on the month. Checking ranges in the regex keeps the common case
 * to one `test`.
 */
const TIMESTAMP =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** The same shape with any digits, to say which field is out of range. */
const TIMESTAMP_SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** RFC 3986 absolute URI: a scheme, a colon, and no whitespace. */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Returns what is wrong with the event's attributes, one sentence each, in
 * the order the attributes appear; empty when all is well. A `null`
 * attribute counts as unset (JSON format, section 2.2). `data` is not
 * looked into: the registry validates it against its schema.
 */
export function checkAttributes(
  event: Record<string, unknown>,
  label: AttributeLabel = jsonAttributeLabel,
): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(event)) {
    const value = event[name];
    if (name === 'data' || value === null || value === undefined) continue;
    if (name === 'data_base64') {
      problems.push(
        'Binary data ("data_base64") is not supported: the data of every event is validated ' +
          'against the JSON schema of its type, so send it as JSON in "data"',
      );
      continue;
    }
    const problem = checkAttribute(name, value);
    if (problem) problems.push(`Attribute ${label(name)} ${problem}`);
  }
  for (const name of REQUIRED_ATTRIBUTES) {
    if (event[name] === undefined || event[name] === null) {
      const hint = name === 'specversion' ? ': set it to "1.0"' : '';
      problems.push(`Missing required attribute ${label(name)}${hint}`);
    }
  }
  return problems;
}

/** What is wrong with one attribute (a sentence without its subject), if anything. */
function checkAttribute(name: string, value: unknown): string | undefined {
  switch (name) {
    case 'specversion':
      if (value === '1.0') return undefined;
      return typeof value === 'string'
        ? `is ${describeValue(
            value,
          )}, but only CloudEvents 1.0 is accepted: set it to "1.0"`
        : `must be the string "1.0", got ${describeValue(value)}`;
    case 'id':
    case 'source':
    case 'type':
    case 'subject':
      return checkNonEmptyString(value);
    case 'time':
      return checkTimestamp(value);
    case 'dataschema':
      return checkUri(value);
    case 'datacontenttype':
      return checkDataContentType(value);
    default:
      if (!ATTRIBUTE_NAME.test(name)) {
        return (
          'is not a valid attribute name: CloudEvents attribute names contain only lowercase ' +
          'letters a-z and digits 0-9; put application fields inside "data"'
        );
      }
      return checkExtensionValue(value);
  }
}

function checkString(value: string): string | undefined {
  const match = FORBIDDEN_IN_STRING.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0xd800 && code <= 0xdfff
    ? `contains an unpaired surrogate (${codePoint}) at position ${match.index}; send valid Unicode text`
    : `contains the control character ${codePoint} at position ${match.index}, which CloudEvents ` +
        'does not allow in attribute values';
}

function checkNonEmptyString(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') {
    return `must be a non-empty string, got ${describeValue(value)}`;
  }
  return checkString(value);
}

const TIMESTAMP_EXAMPLE =
  'an RFC 3339 timestamp such as "2024-05-01T12:30:00Z" or "2024-05-01T14:30:00.123+02:00"';

function checkTimestamp(value: unknown): string | undefined {
  if (typeof value === 'string' && TIMESTAMP.test(value)) {
    const day = Number(value.slice(8, 10));
    const year = () => Number(value.slice(0, 4));
    const month = () => Number(value.slice(5, 7));
    if (day <= 28 || day <= daysInMonth(year(), month())) return undefined;
  }
  const shape =
    typeof value === 'string' ? TIMESTAMP_SHAPE.exec(value) : undefined;
  const nonexistent = shape && nonexistentPart(shape.slice(1).map(Number));
  if (nonexistent) {
    return (
      `is ${describeValue(value)}, whose ${nonexistent} does not exist; ` +
      `it must be ${TIMESTAMP_EXAMPLE}`
    );
  }
  return `must be ${TIMESTAMP_EXAMPLE}, got ${describeValue(value)}`;
}

/** The first field of a matched timestamp that is out of range, if any. */
function nonexistentPart(fields: number[]): string | undefined {
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] =
    fields;
  if (month < 1 || month > 12) return `month ${month}`;
  if (day < 1 || day > daysInMonth(year, month)) {
    return `day ${day} of month ${month}`;
  }
  if (hour > 23) return `hour ${hour}`;
  if (minute > 59) return `minute ${minute}`;
  if (second > 60) return `second ${second}`; // 60 is a leap second
  // Without an offset ("Z") these are NaN, and the comparisons false.
  if (offsetHour > 23 || offsetMinute > 59) return 'UTC offset';
  return undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

function checkUri(value: unknown): string | undefined {
  if (typeof value === 'string' && ABSOLUTE_URI.test(value)) {
    return checkString(value);
  }
  return (
    'must be an absolute URI with a scheme, such as "https://example.com/schemas/order/1", ' +
    `got ${describeValue(value)}`
  );
}

function checkDataContentType(value: unknown): string | undefined {
  // Nearly every event says this; it is JSON without parsing it.
  if (value === 'application/json') return undefined;
  const mediaType =
    typeof value === 'string' ? parseMediaType(value) : undefined;
  if (!mediaType) {
    return `must be a media type such as "application/json", got ${describeValue(
      value,
    )}`;
  }
  if (!isJsonMediaType(mediaType)) {
    return (
      `is ${describeValue(
        value,
      )}, but event data is validated against a JSON schema, so it ` +
      'must be JSON: use "application/json" (or any */json or */*+json type), or leave it out'
    );
  }
  return undefined;
}

function checkExtensionValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return checkString(value);
    case 'boolean':
      return undefined;
    case 'number':
      // The spec's Integer is 32-bit, and it has no floating-point type.
      if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
        return undefined;
      }
      return (
        `is ${value}, but CloudEvents attribute numbers must be integers from ${INT32_MIN} to ` +
        `${INT32_MAX}: send it as a string, or move it into "data"`
      );
    default:
      return (
        `is ${describeValue(
          value,
        )}, but CloudEvents attribute values must be strings, booleans ` +
        'or integers: move structured values into "data"'
      );
  }
}
