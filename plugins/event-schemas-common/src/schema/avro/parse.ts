import { Type } from 'avsc';
import { SchemaError } from '../SchemaError';
import { normalizeAvroSchema } from './normalize';

/** A schema avsc accepts, with its normalized JSON form. */
export type AvroSource = { type: Type; json: unknown };

/** Reads a parsed JSON value as an Avro schema. */
export function readAvroSchema(options: { value: unknown }): AvroSource {
  const { value } = options;
  let type: Type;
  try {
    // A fresh registry per schema: named types of one schema must never
    // leak into another.
    type = Type.forSchema(value as never, { registry: {} });
  } catch (error) {
    throw new SchemaError(`Invalid Avro schema: ${(error as Error).message}`);
  }
  return { type, json: normalizeAvroSchema({ schema: value }) };
}
