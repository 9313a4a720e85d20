import type { z as zImpl } from 'zod/v3';

/**
 * The schema, as the registry accepts it: its JSON text (what a template's
 * text field gives) or the JSON value itself (what a template gets from a
 * parsed file). JSON Schema and Avro schemas are both JSON.
 */
export const schemaInput = (z: typeof zImpl) =>
  z
    .union([z.string().min(1), z.record(z.unknown())])
    .describe(
      'The schema: its JSON text, or the JSON object itself (JSON Schema or Avro)',
    );

/** The text the registry stores, whichever way the schema was given. */
export function schemaText(schema: string | Record<string, unknown>): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}
