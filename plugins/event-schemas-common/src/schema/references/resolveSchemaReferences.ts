import { EventTypeFormat } from '../../types';
import { SchemaError } from '../SchemaError';
import { parseJsonText } from '../json';
import { detectDraft, isDraft2019OrLater } from '../jsonSchema/drafts';
import { REFERENCE_KEYWORDS } from '../jsonSchema/refs';
import { JsonSchemaDocument, isSchemaObject } from '../jsonSchema/types';
import { forEachSubschema } from '../jsonSchema/walk';
import { parseRegistryRef } from './registryRefs';

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
   * The schema with every referenced version copied into it (under `$defs`,
   * or `definitions` before draft 2019-09, keyed `<name>@<version>`) and each
   * reference pointing there; the schema text unchanged when it has none.
   */
  schema: string;
  /** The versions the schema references directly, each once. */
  references: SchemaReference[];
};

/**
 * How deep references may chain (A references B references C is 2), and how
 * many versions one schema may pull in: resolving is bounded work.
 *
 * @public
 */
export const REFERENCE_LIMITS = { maxDepth: 8, maxVersions: 64 } as const;

type Site = { object: Record<string, unknown>; keyword: string; ref: string };

/**
 * Resolves the references of a schema to other registered versions, with
 * `load` (the registry's own store, never the network), recursively.
 * Throws a SchemaError for a reference to a version that does not exist, to
 * a schema of another format or draft, a cycle, a chain deeper than
 * REFERENCE_LIMITS.maxDepth, more than maxVersions versions or a result
 * larger than `maxBytes`. References the registry does not recognize are
 * left as they are, for parseSchema to refuse.
 *
 * With `baseUrl`, a top-level reference counts only in its canonical form
 * (`<baseUrl>/event-types/<name>/versions/<n>`) or as that URL's path;
 * without, any URL ending in `/event-types/<name>/versions/<n>` does (see
 * parseRegistryRef).
 *
 * Avro schemas are returned unchanged: Avro references are not supported.
 *
 * @public
 */
export async function resolveSchemaReferences(options: {
  format: EventTypeFormat;
  schema: string;
  load: (
    reference: SchemaReference,
  ) => Promise<{ format: EventTypeFormat; schema: string } | undefined>;
  baseUrl?: string;
  maxBytes?: number;
}): Promise<ResolvedSchema> {
  const { format, schema, load, baseUrl, maxBytes = Infinity } = options;
  const unchanged = { schema, references: [] };
  if (format !== 'jsonschema' || !schema.includes('/event-types/')) {
    return unchanged;
  }
  const root = parseJsonText({ text: schema }) as JsonSchemaDocument;
  const rootSites = registrySites({ document: root, baseUrl });
  if (!isSchemaObject(root) || rootSites.length === 0) {
    return unchanged;
  }
  const draft = detectDraft({ document: root });
  const container = isDraft2019OrLater(draft) ? '$defs' : 'definitions';
  const bundled = new Map<string, JsonSchemaDocument>();

  const pointerTo = (key: string, fragment: string, ref: string) => {
    if (fragment !== '' && !fragment.startsWith('/')) {
      throw new SchemaError(
        `'${ref}': a reference to another registered version may point to the whole schema or into it with a JSON Pointer ('#/properties/x'), not to an anchor`,
      );
    }
    return `#/${container}/${key}${fragment}`;
  };

  const include = async (
    reference: SchemaReference,
    chain: string[],
    ref: string,
  ): Promise<string> => {
    const key = `${reference.eventType}@${reference.version}`;
    if (chain.includes(key)) {
      throw new SchemaError(
        `References form a cycle: ${[...chain, key].join(' -> ')}`,
      );
    }
    if (bundled.has(key)) {
      return key;
    }
    if (chain.length >= REFERENCE_LIMITS.maxDepth) {
      throw new SchemaError(
        `References chain more than ${
          REFERENCE_LIMITS.maxDepth
        } levels deep: ${[...chain, key].join(' -> ')}`,
      );
    }
    if (bundled.size >= REFERENCE_LIMITS.maxVersions) {
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
    if (loaded.format !== 'jsonschema') {
      throw new SchemaError(
        `'${ref}' names an ${loaded.format} schema; a JSON Schema can reference JSON Schemas only`,
      );
    }
    const document = parseJsonText({
      text: loaded.schema,
    }) as JsonSchemaDocument;
    const referencedDraft = detectDraft({ document });
    if (referencedDraft !== draft) {
      throw new SchemaError(
        `'${ref}' names a ${referencedDraft} schema, and this schema is ${draft}: a schema can reference schemas of its own draft only`,
      );
    }
    bundled.set(key, document);
    const own = [...chain, key];
    for (const site of schemaRefSites({ document })) {
      if (site.ref.startsWith('#')) {
        if (site.keyword !== '$ref') {
          throw new SchemaError(
            `'${ref}' names a schema that uses ${site.keyword}, which cannot be referenced from another schema`,
          );
        }
        site.object.$ref = pointerTo(key, site.ref.slice(1), ref);
        continue;
      }
      // The registry accepted this schema, so its references are its own.
      const target = parseRegistryRef({ ref: site.ref });
      if (target) {
        const targetKey = await include(target, own, site.ref);
        site.object[site.keyword] = pointerTo(
          targetKey,
          target.fragment,
          site.ref,
        );
      }
    }
    if (isSchemaObject(document)) {
      // A copy inside another document has that document's draft and base.
      delete document.$schema;
      for (const idKeyword of ['$id', 'id']) {
        const id = document[idKeyword];
        if (typeof id === 'string' && !id.startsWith('#')) {
          delete document[idKeyword];
        }
      }
    }
    return key;
  };

  const references: SchemaReference[] = [];
  for (const site of rootSites) {
    const target = parseRegistryRef({ ref: site.ref, baseUrl })!;
    const key = await include(target, [], site.ref);
    site.object[site.keyword] = pointerTo(key, target.fragment, site.ref);
    if (
      !references.some(
        r => r.eventType === target.eventType && r.version === target.version,
      )
    ) {
      references.push({
        eventType: target.eventType,
        version: target.version,
      });
    }
  }

  const existing = root[container];
  const definitions: Record<string, unknown> =
    existing && typeof existing === 'object' && !Array.isArray(existing)
      ? { ...(existing as Record<string, unknown>) }
      : {};
  for (const [key, document] of bundled) {
    if (key in definitions) {
      throw new SchemaError(
        `/${container}/${key}: the name is taken for the referenced version it would hold; rename this definition`,
      );
    }
    definitions[key] = document;
  }
  const text = JSON.stringify({ ...root, [container]: definitions });
  if (new TextEncoder().encode(text).length > maxBytes) {
    throw new SchemaError(
      `The schema with the versions it references is larger than ${maxBytes} bytes; reference fewer or smaller schemas`,
    );
  }
  return { schema: text, references };
}

/** Every reference keyword in a schema position, with its value. */
function schemaRefSites(options: { document: JsonSchemaDocument }): Site[] {
  const sites: Site[] = [];
  forEachSubschema({
    schema: options.document,
    visit: schema => {
      if (!isSchemaObject(schema)) {
        return;
      }
      for (const keyword of REFERENCE_KEYWORDS) {
        const ref = schema[keyword];
        if (typeof ref === 'string') {
          sites.push({ object: schema, keyword, ref });
        }
      }
    },
  });
  return sites;
}

/** The `$ref`s of a document that name a registered version. */
function registrySites(options: {
  document: JsonSchemaDocument;
  baseUrl?: string;
}): Site[] {
  return schemaRefSites(options).filter(
    site =>
      site.keyword === '$ref' &&
      parseRegistryRef({ ref: site.ref, baseUrl: options.baseUrl }) !==
        undefined,
  );
}

/**
 * The registered versions a schema references directly (without loading
 * them); none for an Avro schema or text that is not JSON.
 *
 * @public
 */
export function listSchemaReferences(options: {
  format: EventTypeFormat;
  schema: string;
}): SchemaReference[] {
  if (options.format !== 'jsonschema') {
    return [];
  }
  let document: JsonSchemaDocument;
  try {
    document = parseJsonText({ text: options.schema }) as JsonSchemaDocument;
  } catch {
    return [];
  }
  const references: SchemaReference[] = [];
  for (const site of registrySites({ document })) {
    const { eventType, version } = parseRegistryRef({ ref: site.ref })!;
    if (
      !references.some(r => r.eventType === eventType && r.version === version)
    ) {
      references.push({ eventType, version });
    }
  }
  return references;
}
