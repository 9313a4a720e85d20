import { SchemaError } from './SchemaError';

/** Parses schema text, turning JSON syntax errors into a SchemaError. */
export function parseJsonText(options: { text: string }): unknown {
  const { text } = options;
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new SchemaError(`Invalid JSON: ${withLineAndColumn(message, text)}`);
  }
}

// Node 22 reports "position N (line L column C)", other engines only a
// position or nothing: add line and column where they are missing so a
// producer can find the mistake in an editor.
function withLineAndColumn(message: string, text: string): string {
  const match = /position (\d+)/.exec(message);
  if (!match || /line \d+/.test(message)) {
    return message;
  }
  const position = Number(match[1]);
  const before = text.slice(0, position).split('\n');
  return `${message} (line ${before.length} column ${
    before[before.length - 1].length + 1
  })`;
}

/**
 * JSON with object keys sorted recursively and no whitespace; array order is
 * kept. Two documents that differ only in formatting or key order give the
 * same string.
 */
export function canonicalJson(options: { value: unknown }): string {
  const { value } = options;
  if (Array.isArray(value)) {
    return `[${value.map(item => canonicalJson({ value: item })).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map(
        key =>
          `${JSON.stringify(key)}:${canonicalJson({
            value: (value as Record<string, unknown>)[key],
          })}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Structural equality of two JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (
    a === null ||
    b === null ||
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return false;
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return (
      a.length === other.length &&
      a.every((item, i) => jsonEqual(item, other[i]))
    );
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const keys = Object.keys(aRecord);
  return (
    keys.length === Object.keys(bRecord).length &&
    keys.every(
      key =>
        Object.prototype.hasOwnProperty.call(bRecord, key) &&
        jsonEqual(aRecord[key], bRecord[key]),
    )
  );
}

/**
 * A short rendering of a schema's own value (a `const`, an `enum` member,
 * a default) for messages: strings in single quotes. Never for event data,
 * which may be personal: see {@link describeKind}.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * What kind of value an event holds, for validation messages: `a string`,
 * `a number`, `an object`... The value itself is never quoted, since those
 * messages are stored as failed events' reasons and shown to people who may
 * not read the event's personal data.
 */
export function describeKind(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
