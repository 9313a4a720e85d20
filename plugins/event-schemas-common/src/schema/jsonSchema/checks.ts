import safeRegex from 'safe-regex2';
import { isDraft2019OrLater } from './drafts';
import { escapePointerSegment } from './pointer';
import { REFERENCE_KEYWORDS, isInDocumentRef, resolveRef } from './refs';
import { JsonSchemaDocument, JsonSchemaDraft, isSchemaObject } from './types';
import { forEachSubschema } from './walk';

/**
 * Why a regular expression is refused, or undefined when it is fine. JSON
 * Schema patterns run against every event, so one that backtracks
 * exponentially is a denial of service waiting for the right input.
 */
export function patternProblem(options: {
  pattern: string;
  pointer: string;
  maxPatternLength: number;
}): string | undefined {
  const { pattern, pointer, maxPatternLength } = options;
  if (pattern.length > maxPatternLength) {
    return `${pointer}: pattern is ${pattern.length} characters long, over the limit of ${maxPatternLength} (maxPatternLength)`;
  }
  try {
    // The `u` flag is how Ajv compiles patterns, and the closest JavaScript
    // gets to the ECMA-262 dialect JSON Schema specifies.
    RegExp(pattern, 'u');
  } catch (error) {
    return `${pointer}: pattern '${pattern}' is not a valid regular expression (JavaScript, 'u' flag): ${
      (error as Error).message
    }`;
  }
  if (!safeRegex(pattern)) {
    return `${pointer}: pattern '${pattern}' could take exponential time to match (nested quantifiers such as (a+)+, or more than 25 quantifiers); rewrite it without repeating a repeated group`;
  }
  return undefined;
}

/**
 * What the registry refuses in a meta-schema-valid document: references
 * outside the document or to nowhere, embedded schema resources, and unsafe
 * regular expressions.
 */
export function documentProblems(options: {
  document: JsonSchemaDocument;
  draft: JsonSchemaDraft;
  maxPatternLength: number;
}): string[] {
  const { document, draft, maxPatternLength } = options;
  const problems: string[] = [];
  const idKeyword = draft === 'draft-04' ? 'id' : '$id';
  forEachSubschema({
    schema: document,
    visit: (schema, pointer) => {
      if (!isSchemaObject(schema)) {
        return;
      }
      for (const keyword of REFERENCE_KEYWORDS) {
        const ref = schema[keyword];
        if (typeof ref !== 'string') {
          continue;
        }
        if (!isInDocumentRef(ref)) {
          problems.push(
            `${pointer}/${keyword}: '${ref}' points outside this schema; only in-document references ('#...') are supported`,
          );
        } else if (!resolveRef({ root: document, ref })) {
          problems.push(
            `${pointer}/${keyword}: '${ref}' does not point to a schema in this document`,
          );
        }
      }
      const id = schema[idKeyword];
      if (pointer !== '' && typeof id === 'string' && !id.startsWith('#')) {
        // A nested $id starts a new base URI for the references below it;
        // keeping one document with one base keeps references unambiguous.
        problems.push(
          `${pointer}/${idKeyword}: embedded schema resources (a nested '${idKeyword}') are not supported; put shared schemas under ${
            isDraft2019OrLater(draft) ? '$defs' : 'definitions'
          } and reference them with '#/...'`,
        );
      }
      if (typeof schema.pattern === 'string') {
        const problem = patternProblem({
          pattern: schema.pattern,
          pointer: `${pointer}/pattern`,
          maxPatternLength,
        });
        if (problem) {
          problems.push(problem);
        }
      }
      if (isSchemaObject(schema.patternProperties)) {
        for (const pattern of Object.keys(schema.patternProperties)) {
          const problem = patternProblem({
            pattern,
            pointer: `${pointer}/patternProperties/${escapePointerSegment(
              pattern,
            )}`,
            maxPatternLength,
          });
          if (problem) {
            problems.push(problem);
          }
        }
      }
    },
  });
  return problems;
}
