import { jsonEqual } from '../../schema/json';
import { refOverridesSiblings } from '../../schema/jsonSchema/drafts';
import { REFERENCE_KEYWORDS, resolveRef } from '../../schema/jsonSchema/refs';
import {
  JsonSchemaDocument,
  JsonSchemaSource,
  isSchemaObject,
} from '../../schema/jsonSchema/types';
import { forEachSubschema } from '../../schema/jsonSchema/walk';

/** A schema inside its document, which its references resolve against. */
export type SchemaNode = {
  source: JsonSchemaSource;
  schema: JsonSchemaDocument;
};

// Synthetic schemas the engine adds itself (property names are strings) live
// in a document of their own; they hold no references.
const SYNTHETIC: JsonSchemaSource = { document: true, draft: '2020-12' };

export const ANY_NODE: SchemaNode = { source: SYNTHETIC, schema: true };
export const STRING_NODE: SchemaNode = {
  source: SYNTHETIC,
  schema: { type: 'string' },
};

let lastId = 0;
const ids = new WeakMap<object, number>();

/** A stable number for an object, for keying pairs of schemas or shapes. */
export function identity(value: unknown): string {
  if (typeof value !== 'object' || value === null) {
    return String(value);
  }
  let id = ids.get(value);
  if (id === undefined) {
    id = ++lastId;
    ids.set(value, id);
  }
  return `#${id}`;
}

const referencesCache = new WeakMap<object, string[]>();

function referencesIn(schema: JsonSchemaDocument): string[] {
  if (!isSchemaObject(schema)) {
    return [];
  }
  let references = referencesCache.get(schema);
  if (!references) {
    const found = new Set<string>();
    forEachSubschema({
      schema,
      visit: subschema => {
        if (isSchemaObject(subschema)) {
          for (const keyword of REFERENCE_KEYWORDS) {
            const ref = subschema[keyword];
            if (typeof ref === 'string') {
              found.add(ref);
            }
          }
        }
      },
    });
    references = [...found];
    referencesCache.set(schema, references);
  }
  return references;
}

/**
 * Whether two schemas are written identically and every reference in them
 * leads to identical schemas too. Equal schemas accept the same values,
 * which settles the cases (oneOf exclusivity, patterns) structure cannot.
 */
export function sameSchema(options: { a: SchemaNode; b: SchemaNode }): boolean {
  return same(options.a, options.b, new Set());
}

function same(a: SchemaNode, b: SchemaNode, seen: Set<string>): boolean {
  if (a.schema === b.schema && a.source === b.source) {
    return true;
  }
  if (
    refOverridesSiblings(a.source.draft) !==
      refOverridesSiblings(b.source.draft) ||
    !jsonEqual(a.schema, b.schema)
  ) {
    return false;
  }
  for (const ref of referencesIn(a.schema)) {
    const key = `${identity(a.source)}${identity(b.source)}${ref}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    const aTarget = resolveRef({ root: a.source.document, ref });
    const bTarget = resolveRef({ root: b.source.document, ref });
    if (
      aTarget === undefined ||
      bTarget === undefined ||
      !same(
        { source: a.source, schema: aTarget },
        { source: b.source, schema: bTarget },
        seen,
      )
    ) {
      return false;
    }
  }
  return true;
}
