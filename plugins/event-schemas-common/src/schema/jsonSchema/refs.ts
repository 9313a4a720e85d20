import { resolvePointer } from './pointer';
import { JsonSchemaDocument, isSchema, isSchemaObject } from './types';
import { forEachSubschema } from './walk';

/** The keywords that reference another schema of the same document. */
export const REFERENCE_KEYWORDS = ['$ref', '$recursiveRef', '$dynamicRef'];

const anchorsByRoot = new WeakMap<object, Map<string, JsonSchemaDocument>>();

// Plain-name fragments (`#user`) name a schema through `$anchor`,
// `$dynamicAnchor`, or, before 2019-09, an `$id`/`id` of `#user`.
function anchorsOf(root: JsonSchemaDocument): Map<string, JsonSchemaDocument> {
  if (!isSchemaObject(root)) {
    return new Map();
  }
  let anchors = anchorsByRoot.get(root);
  if (!anchors) {
    const found = new Map<string, JsonSchemaDocument>();
    forEachSubschema({
      schema: root,
      visit: schema => {
        if (!isSchemaObject(schema)) {
          return;
        }
        for (const keyword of ['$anchor', '$dynamicAnchor']) {
          const value = schema[keyword];
          if (typeof value === 'string' && !found.has(value)) {
            found.set(value, schema);
          }
        }
        for (const keyword of ['$id', 'id']) {
          const value = schema[keyword];
          if (typeof value === 'string' && value.startsWith('#')) {
            found.set(value.slice(1), schema);
          }
        }
      },
    });
    anchors = found;
    anchorsByRoot.set(root, anchors);
  }
  return anchors;
}

/** Whether a reference stays inside the document (`#`, `#/...`, `#name`). */
export function isInDocumentRef(ref: string): boolean {
  return ref.startsWith('#');
}

/**
 * The schema an in-document reference points at, or undefined when it points
 * nowhere (or outside the document, which the registry does not support).
 */
export function resolveRef(options: {
  root: JsonSchemaDocument;
  ref: string;
}): JsonSchemaDocument | undefined {
  const { root, ref } = options;
  if (!isInDocumentRef(ref)) {
    return undefined;
  }
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  const target =
    fragment === '' || fragment.startsWith('/')
      ? resolvePointer({ root, pointer: fragment })
      : anchorsOf(root).get(fragment);
  return isSchema(target) ? target : undefined;
}
