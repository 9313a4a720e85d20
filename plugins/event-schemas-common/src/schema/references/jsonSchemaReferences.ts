import { SchemaError } from '../SchemaError';
import { parseJsonText } from '../json';
import { detectDraft, isDraft2019OrLater } from '../jsonSchema/drafts';
import { REFERENCE_KEYWORDS } from '../jsonSchema/refs';
import { JsonSchemaDocument, isSchemaObject } from '../jsonSchema/types';
import { forEachSubschema } from '../jsonSchema/walk';
import {
  LoadReference,
  ResolvedSchema,
  SchemaReference,
  addReference,
  assertNoCycle,
  assertResolvedSize,
  loadReferenced,
  referenceKey,
} from './referenceChain';
import { parseRegistryRef } from './registryRefs';

type Site = { object: Record<string, unknown>; keyword: string; ref: string };

/**
 * A JSON Schema's `$ref`s to registered versions resolved: each referenced
 * version copied under `$defs` (`definitions` before draft 2019-09), keyed
 * `<name>@<version>`, and each `$ref` pointing there. Referenced versions
 * must be JSON Schemas of the same draft.
 */
export async function resolveJsonSchemaReferences(options: {
  schema: string;
  load: LoadReference;
  baseUrl?: string;
  maxBytes: number;
}): Promise<ResolvedSchema> {
  const { schema, load, baseUrl, maxBytes } = options;
  const unchanged = { schema, references: [] };
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
    const key = referenceKey(reference);
    assertNoCycle({ key, chain });
    if (bundled.has(key)) {
      return key;
    }
    const text = await loadReferenced({
      reference,
      ref,
      chain,
      included: bundled.size,
      format: 'jsonschema',
      load,
    });
    const document = parseJsonText({ text }) as JsonSchemaDocument;
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
    addReference(references, target);
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
  assertResolvedSize({ text, maxBytes });
  return { schema: text, references };
}

/** The registered versions a JSON Schema's `$ref`s name, each once. */
export function listJsonSchemaReferences(options: {
  document: unknown;
}): SchemaReference[] {
  const references: SchemaReference[] = [];
  for (const site of registrySites({
    document: options.document as JsonSchemaDocument,
  })) {
    addReference(references, parseRegistryRef({ ref: site.ref })!);
  }
  return references;
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
