import { EventTypeFormat } from '../../types';
import { SchemaError } from '../SchemaError';

/**
 * A registered version that a schema references.
 *
 * @public
 */
export type SchemaReference = {
  eventType: string;
  version: number;
};

/**
 * A schema with its references to other registered versions resolved: one
 * self-contained document, and the versions the schema names itself.
 *
 * @public
 */
export type ResolvedSchema = {
  /**
   * The schema with every referenced version copied into it and each
   * reference pointing there (see resolveSchemaReferences for where each
   * format puts them); the schema text unchanged when it has none.
   */
  schema: string;
  /** The versions the schema references directly, each once. */
  references: SchemaReference[];
};

/**
 * How deep references may chain (A references B references C is 2), how
 * many versions one schema may pull in, and how many times its own size
 * limit a schema may reach with them copied in: resolving is bounded work.
 *
 * @public
 */
export const REFERENCE_LIMITS = {
  maxDepth: 8,
  maxVersions: 64,
  resolvedSizeFactor: 4,
} as const;

/** Reads a registered version from the registry's own store. */
export type LoadReference = (
  reference: SchemaReference,
) => Promise<{ format: EventTypeFormat; schema: string } | undefined>;

const FORMAT_NAMES: Record<EventTypeFormat, string> = {
  jsonschema: 'a JSON Schema',
  avro: 'an Avro schema',
};

/** How a referenced version is named in messages: `<name>@<version>`. */
export function referenceKey(reference: SchemaReference): string {
  return `${reference.eventType}@${reference.version}`;
}

/** Throws when `key` is already on the chain of versions being resolved. */
export function assertNoCycle(options: { key: string; chain: string[] }) {
  const { key, chain } = options;
  if (chain.includes(key)) {
    throw new SchemaError(
      `References form a cycle: ${[...chain, key].join(' -> ')}`,
    );
  }
}

/**
 * The schema text of a version to include, once the limits allow one more
 * (`chain` is the versions that led to it, `included` how many are already
 * in): a SchemaError when it is not registered or of another format.
 */
export async function loadReferenced(options: {
  reference: SchemaReference;
  /** The reference as written, for messages. */
  ref: string;
  chain: string[];
  included: number;
  format: EventTypeFormat;
  load: LoadReference;
}): Promise<string> {
  const { reference, ref, chain, included, format, load } = options;
  const key = referenceKey(reference);
  if (chain.length >= REFERENCE_LIMITS.maxDepth) {
    throw new SchemaError(
      `References chain more than ${REFERENCE_LIMITS.maxDepth} levels deep: ${[
        ...chain,
        key,
      ].join(' -> ')}`,
    );
  }
  if (included >= REFERENCE_LIMITS.maxVersions) {
    throw new SchemaError(
      `The schema references more than ${REFERENCE_LIMITS.maxVersions} registered versions, directly or through others`,
    );
  }
  const loaded = await load(reference);
  if (!loaded) {
    throw new SchemaError(
      `'${ref}' names version ${reference.version} of event type '${reference.eventType}', which is not registered`,
    );
  }
  if (loaded.format !== format) {
    throw new SchemaError(
      `'${ref}' names ${FORMAT_NAMES[loaded.format]}; ${
        FORMAT_NAMES[format]
      } can reference ${FORMAT_NAMES[format].replace(/^an? /, '')}s only`,
    );
  }
  return loaded.schema;
}

/** Throws when the resolved text is larger than `maxBytes` (UTF-8). */
export function assertResolvedSize(options: {
  text: string;
  maxBytes: number;
}): void {
  const { text, maxBytes } = options;
  if (new TextEncoder().encode(text).length > maxBytes) {
    throw new SchemaError(
      `The schema with the versions it references is larger than ${maxBytes} bytes; reference fewer or smaller schemas`,
    );
  }
}

/** Adds a reference to a list that holds each version once. */
export function addReference(
  references: SchemaReference[],
  reference: SchemaReference,
): void {
  const { eventType, version } = reference;
  if (
    !references.some(r => r.eventType === eventType && r.version === version)
  ) {
    references.push({ eventType, version });
  }
}
