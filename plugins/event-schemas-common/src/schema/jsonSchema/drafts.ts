import { JsonSchemaDocument, JsonSchemaDraft, isSchemaObject } from './types';

const DRAFT_URIS: Array<[RegExp, JsonSchemaDraft]> = [
  [/^https?:\/\/json-schema\.org\/draft-04\/schema#?$/, 'draft-04'],
  [/^https?:\/\/json-schema\.org\/draft-06\/schema#?$/, 'draft-06'],
  [/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, 'draft-07'],
  [/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/, '2019-09'],
  [/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/, '2020-12'],
];

/**
 * The draft named by `$schema`. Iglu's self-describing meta-schema (a
 * draft-04/07 dialect with extra annotation keywords) and a missing
 * `$schema` fall back to draft-07; the registry refuses other meta-schemas.
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

// Snowplow's self-describing meta-schema (Iglu), read as draft-07.
const IGLU_SELF_DESCRIBING =
  /^https?:\/\/iglucentral\.com\/schemas\/com\.snowplowanalytics\.self-desc\/schema\/jsonschema\/\d+-\d+-\d+#?$/;
// "The latest draft", read as draft-07 like any unnamed draft.
const LATEST_DRAFT = /^https?:\/\/json-schema\.org\/schema#?$/;

/**
 * Whether `$schema` names a meta-schema the registry reads without fetching
 * it: one of the drafts, "the latest draft", or Iglu's self-describing one.
 */
export function isKnownMetaSchema(uri: string): boolean {
  return (
    DRAFT_URIS.some(([pattern]) => pattern.test(uri)) ||
    IGLU_SELF_DESCRIBING.test(uri) ||
    LATEST_DRAFT.test(uri)
  );
}

/** Drafts where `$ref` replaces its sibling keywords instead of joining them. */
export function refOverridesSiblings(draft: JsonSchemaDraft): boolean {
  return draft === 'draft-04' || draft === 'draft-06' || draft === 'draft-07';
}

/** Drafts with the 2019-09 vocabulary (dependentSchemas, unevaluated*, ...). */
export function isDraft2019OrLater(draft: JsonSchemaDraft): boolean {
  return draft === '2019-09' || draft === '2020-12';
}
