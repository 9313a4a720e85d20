import { JsonSchemaDocument, JsonSchemaDraft, isSchemaObject } from './types';

const DRAFT_URIS: Array<[RegExp, JsonSchemaDraft]> = [
  [/^https?:\/\/json-schema\.org\/draft-04\/schema#?$/, 'draft-04'],
  [/^https?:\/\/json-schema\.org\/draft-06\/schema#?$/, 'draft-06'],
  [/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, 'draft-07'],
  [/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/, '2019-09'],
  [/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/, '2020-12'],
];

/**
 * The draft named by `$schema`. Anything else, including custom meta-schemas
 * such as Iglu's self-describing one, falls back to draft-07: most of them
 * are draft-04/07 dialects with extra annotation keywords.
 */
export function detectDraft(options: {
  document: JsonSchemaDocument;
}): JsonSchemaDraft {
  const { document } = options;
  const uri = isSchemaObject(document) ? document.$schema : undefined;
  if (typeof uri === 'string') {
    for (const [pattern, draft] of DRAFT_URIS) {
      if (pattern.test(uri)) {
        return draft;
      }
    }
  }
  return 'draft-07';
}

/** Drafts where `$ref` replaces its sibling keywords instead of joining them. */
export function refOverridesSiblings(draft: JsonSchemaDraft): boolean {
  return draft === 'draft-04' || draft === 'draft-06' || draft === 'draft-07';
}

/** Drafts with the 2019-09 vocabulary (dependentSchemas, unevaluated*, ...). */
export function isDraft2019OrLater(draft: JsonSchemaDraft): boolean {
  return draft === '2019-09' || draft === '2020-12';
}
