import { SchemaError } from './SchemaError';
import { measureValue } from './validationWork';

/**
 * Bounds on what a schema may cost to parse, store and evaluate.
 *
 * @public
 */
export type SchemaLimits = {
  /** Maximum size of the schema text, in UTF-8 bytes. */
  maxBytes: number;
  /** Maximum nesting of JSON objects and arrays; the top level is 1. */
  maxDepth: number;
  /** Maximum length of one JSON Schema regular expression, in characters. */
  maxPatternLength: number;
};

/**
 * The limits applied when a caller gives none.
 *
 * @public
 */
export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = {
  maxBytes: 262144,
  maxDepth: 32,
  maxPatternLength: 1000,
};

/**
 * No limits: for reading schemas that parseSchema already accepted under the
 * limits the registry is configured with, which may exceed the defaults.
 */
export const NO_LIMITS: SchemaLimits = {
  maxBytes: Infinity,
  maxDepth: Infinity,
  maxPatternLength: Infinity,
};

/** Fills in the limits a caller left out. */
export function resolveLimits(options: {
  limits?: Partial<SchemaLimits>;
}): SchemaLimits {
  return { ...DEFAULT_SCHEMA_LIMITS, ...options.limits };
}

/** Throws when the text is larger than `maxBytes` once encoded as UTF-8. */
export function checkSchemaSize(options: {
  text: string;
  maxBytes: number;
}): void {
  const { text, maxBytes } = options;
  // Every UTF-16 code unit takes at least one UTF-8 byte, so a long string is
  // rejected without paying for encoding it.
  const bytes =
    text.length > maxBytes ? undefined : new TextEncoder().encode(text).length;
  if (bytes === undefined || bytes > maxBytes) {
    const size = bytes === undefined ? `at least ${text.length}` : `${bytes}`;
    throw new SchemaError(
      `Schema is too large: ${size} bytes, over the limit of ${maxBytes} bytes (maxBytes)`,
    );
  }
}

/** Throws when objects and arrays nest deeper than `maxDepth`. */
export function checkNestingDepth(options: {
  value: unknown;
  maxDepth: number;
}): void {
  const { value, maxDepth } = options;
  if (measureValue({ value, maxDepth }).depth > maxDepth) {
    throw new SchemaError(
      `Schema nests objects and arrays more than ${maxDepth} levels deep, over the limit (maxDepth)`,
    );
  }
}
