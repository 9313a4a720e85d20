// Placeholder values shared by the JSON Schema and Avro example generators,
// so both formats' examples read the same.

/** What an example string is when the schema says nothing more. */
export const SAMPLE_STRING = 'string';

/** A fixed, valid v4 UUID: examples must not change on every render. */
export const SAMPLE_UUID = '3f2c8a1e-5b7d-4e9a-8c6f-1d2e3f4a5b6c';

/**
 * Strings for the JSON Schema formats that Ajv checks, valid for each; `at`
 * is the example's own time, so its date-time fields agree with its `time`.
 */
export function formattedString(format: string, at: Date): string | undefined {
  const iso = at.toISOString();
  switch (format) {
    case 'date-time':
      return iso;
    case 'date':
      return iso.slice(0, 10);
    case 'time':
      return `${iso.slice(11, 19)}Z`;
    case 'duration':
      return 'PT1H';
    case 'uuid':
      return SAMPLE_UUID;
    case 'email':
    case 'idn-email':
      return 'user@example.com';
    case 'hostname':
    case 'idn-hostname':
      return 'example.com';
    case 'ipv4':
      return '192.0.2.1';
    case 'ipv6':
      return '2001:db8::1';
    case 'uri':
    case 'iri':
    case 'uri-reference':
    case 'iri-reference':
    case 'url':
      return 'https://example.com/';
    case 'uri-template':
      return 'https://example.com/{id}';
    case 'json-pointer':
      return '/example';
    case 'relative-json-pointer':
      return '0';
    case 'regex':
      return '.*';
    default:
      return undefined;
  }
}
