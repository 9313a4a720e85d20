/** A reference to a registered version, as its path on the registry's host. */
export const refTo = (name: string, version = 1, fragment = '') =>
  `/api/event-schemas/event-types/${name}/versions/${version}${
    fragment ? `#${fragment}` : ''
  }`;

/** The schema of `com.example.user`: who an event is about. */
export const userSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['user_id'],
  properties: {
    user_id: { type: 'string' },
    country: { type: 'string' },
    age: { type: 'number' },
  },
};

/** An event type file in YAML, the schema inline as JSON (one key a line). */
export function typeFile(options: {
  name: string;
  schema: unknown;
  compatibility?: string;
  extra?: string[];
}): string {
  return [
    `name: ${options.name}`,
    'owner: group:default/playback',
    'format: jsonschema',
    ...(options.compatibility
      ? [`compatibility: ${options.compatibility}`]
      : []),
    ...(options.extra ?? []),
    `schema: ${JSON.stringify(options.schema, null, 2)}`,
    '',
  ].join('\n');
}

/** A type whose events hold a `user` of `com.example.user`, and more. */
export function referrerSchema(options: {
  to: string;
  version?: number;
  properties?: Record<string, unknown>;
}): unknown {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['user'],
    properties: {
      user: { $ref: refTo(options.to, options.version) },
      ...options.properties,
    },
  };
}

/** The line (from 1) of the first line of `text` holding `needle`. */
export const lineOf = (text: string, needle: string) =>
  text.split('\n').findIndex(line => line.includes(needle)) + 1;
