import { Type } from 'avsc';
import { SchemaError } from '../SchemaError';
import { referenceKey } from '../references/referenceChain';
import { mapAvroReferences } from '../references/avroReferences';
import { normalizeAvroSchema } from './normalize';

/** A schema avsc accepts, with its normalized JSON form. */
export type AvroSource = { type: Type; json: unknown };

/**
 * Reads a parsed JSON value as an Avro schema. At registration a reference
 * to a registered version is refused: the registry reads the schema with
 * its references resolved, and a reference still there is not one it
 * resolves. Readers of a stored schema see each reference as an opaque
 * record with no fields (and, in `json`, as the URL it is): what it
 * validates is the resolved schema's to say (resolveSchemaReferences).
 */
export function readAvroSchema(options: {
  value: unknown;
  registration?: boolean;
}): AvroSource {
  const { value, registration = false } = options;
  const placeholders = new Map<string, string>();
  const readable = mapAvroReferences({
    schema: value,
    replace: (ref, target) => {
      if (registration) {
        throw new SchemaError(
          `'${ref}' is not a type name, nor a reference the registry resolved: a type may be named by the URL of a version registered in this registry (its API URL followed by /event-types/<name>/versions/<n>, or that URL's path), which the registry resolves when the schema is registered`,
        );
      }
      const key = referenceKey(target);
      const name = placeholders.get(key);
      if (name) {
        return name;
      }
      // A name in a namespace of its own, so that it clashes with none of
      // the schema's and reads the same in any enclosing namespace.
      const fullName = `registry_reference.v${placeholders.size}`;
      placeholders.set(key, fullName);
      return { type: 'record', name: fullName, fields: [] };
    },
  });
  let type: Type;
  try {
    // A fresh registry per schema: named types of one schema must never
    // leak into another.
    type = Type.forSchema(readable as never, { registry: {} });
  } catch (error) {
    throw new SchemaError(`Invalid Avro schema: ${(error as Error).message}`);
  }
  return { type, json: normalizeAvroSchema({ schema: value }) };
}
