import { fullFormats } from 'ajv-formats/dist/formats';

/** What a format asserts, for values of one type. */
type FormatCheck = {
  type: 'string' | 'number';
  test: (value: string | number) => boolean;
};

// ajv-formats checks these as "any number".
const ANY_NUMBER = new Set(['float', 'double']);

/**
 * What `format` asserts under the validators, which run Ajv with
 * ajv-formats in full mode: undefined when it asserts nothing, because
 * ajv-formats does not know it (Ajv, with `strict: false`, then ignores it)
 * or accepts every value (password, binary, float, double).
 */
export function formatCheck(format: string): FormatCheck | undefined {
  const definition = (fullFormats as Record<string, unknown>)[format];
  if (definition instanceof RegExp) {
    return { type: 'string', test: value => definition.test(String(value)) };
  }
  if (typeof definition === 'function') {
    return { type: 'string', test: value => Boolean(definition(value)) };
  }
  if (
    definition === null ||
    typeof definition !== 'object' ||
    ANY_NUMBER.has(format)
  ) {
    return undefined;
  }
  const { type = 'string', validate } = definition as {
    type?: 'string' | 'number';
    validate?: unknown;
  };
  if (validate instanceof RegExp) {
    return { type, test: value => validate.test(String(value)) };
  }
  return typeof validate === 'function'
    ? { type, test: value => Boolean(validate(value)) }
    : undefined;
}

/** The formats of a list that assert something about values of `type`. */
export function formatsFor(options: {
  formats: string[];
  type: FormatCheck['type'];
}): string[] {
  return options.formats.filter(
    format => formatCheck(format)?.type === options.type,
  );
}
