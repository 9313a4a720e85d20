import type { IncomingHttpHeaders } from 'node:http';

/**
 * The headers with lowercase names. Node already lowercases them; other
 * callers (tests, an SDK's message) may not. Copies only if needed.
 */
export function lowercaseHeaders(
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const names = Object.keys(headers);
  if (names.every(name => name === name.toLowerCase())) return headers;
  const lowercased: IncomingHttpHeaders = {};
  for (const name of names) lowercased[name.toLowerCase()] = headers[name];
  return lowercased;
}

/**
 * A header's value as one string, for a lowercase name. Node gives arrays
 * only for a few headers (set-cookie); callers other than Node may pass
 * numbers.
 */
export function headerValue(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
