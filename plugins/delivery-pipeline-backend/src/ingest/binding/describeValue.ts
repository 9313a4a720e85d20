const MAX_QUOTED_CHARS = 80;

/**
 * Renders a value for an error message: strings quoted (and shortened, so
 * a megabyte of bad input does not become a megabyte of error), other
 * values by their JSON kind.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value === '' ? 'an empty string' : quote(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}

/** `value` as a JSON string literal, cut to a readable length. */
export function quote(value: string): string {
  if (value.length <= MAX_QUOTED_CHARS) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, MAX_QUOTED_CHARS))}...`;
}
