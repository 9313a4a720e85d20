import { isDraft2019OrLater, isKnownMetaSchema } from './drafts';
import { escapePointerSegment } from './pointer';
import { REFERENCE_KEYWORDS, isInDocumentRef, resolveRef } from './refs';
import { linearRegExpProblem } from './regExp';
import { parseRegistryRef } from '../references/registryRefs';
import { JsonSchemaDocument, JsonSchemaDraft, isSchemaObject } from './types';
import { childSchemas, forEachSubschema } from './walk';

/**
 * Most subschemas a schema may expand to when its references are followed
 * (recursion cut where it comes back), as the tools that read it (field
 * listing, compatibility, examples) walk it. Far more than a 256 KiB schema
 * holds, unless references multiply it: each of 30 definitions referencing
 * the next twice expands to 2^30.
 */
export const MAX_EXPANDED_SUBSCHEMAS = 100_000;

/**
 * Why the schema expands to too many subschemas, or undefined. Walks it
 * as the readers do, from the root, depth first with the references
 * followed and recursion cut, and stops counting at the limit: bounded
 * work itself.
 */
function expansionProblem(document: JsonSchemaDocument): string | undefined {
  const active = new Set<JsonSchemaDocument>();
  const stack: Array<{ schema: JsonSchemaDocument; leave: boolean }> = [
    { schema: document, leave: false },
  ];
  const targets = new Map<string, JsonSchemaDocument | undefined>();
  let visited = 0;
  while (stack.length > 0) {
    const { schema, leave } = stack.pop()!;
    if (leave) {
      active.delete(schema);
      continue;
    }
    if (!isSchemaObject(schema) || active.has(schema)) {
      continue;
    }
    if (++visited > MAX_EXPANDED_SUBSCHEMAS) {
      return `following its references, the schema expands to more than ${MAX_EXPANDED_SUBSCHEMAS} subschemas (definitions that reference others more than once, over several levels, multiply); reading it would take exponential time, so reference each definition from fewer places`;
    }
    active.add(schema);
    stack.push({ schema, leave: true });
    for (const child of childSchemas(schema)) {
      // Definitions are read where they are referenced, not where they sit.
      if (!/^\/(\$defs|definitions)\//.test(child.pointer)) {
        stack.push({ schema: child.schema, leave: false });
      }
    }
    for (const keyword of REFERENCE_KEYWORDS) {
      const ref = schema[keyword];
      if (typeof ref !== 'string') {
        continue;
      }
      if (!targets.has(ref)) {
        targets.set(ref, resolveRef({ root: document, ref }));
      }
      const target = targets.get(ref);
      if (target !== undefined) {
        stack.push({ schema: target, leave: false });
      }
    }
  }
  return undefined;
}

/**
 * Why a regular expression is refused, or undefined when it is fine. JSON
 * Schema patterns run against every event on RE2 (see regExp), which
 * matches in linear time but cannot run backreferences or lookaround.
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
  const problem = linearRegExpProblem(pattern);
  return problem ? `${pointer}: pattern '${pattern}' ${problem}` : undefined;
}

/**
 * References and meta-schema URIs anywhere in the document, data included
 * (`examples`, `default`, `enum`, unknown keywords): nothing a schema names
 * is ever fetched, by the registry or by a tool that reads the schema
 * later, so only in-document references and the meta-schemas the registry
 * knows by name may appear at all.
 */
function referenceProblems(document: JsonSchemaDocument): string[] {
  const problems: string[] = [];
  const stack: Array<{ value: unknown; pointer: string }> = [
    { value: document, pointer: '' },
  ];
  while (stack.length > 0) {
    const { value, pointer } = stack.pop()!;
    if (value === null || typeof value !== 'object') {
      continue;
    }
    if (!Array.isArray(value)) {
      const object = value as Record<string, unknown>;
      for (const keyword of REFERENCE_KEYWORDS) {
        const ref = object[keyword];
        if (typeof ref === 'string' && !isInDocumentRef(ref)) {
          problems.push(outsideProblem({ pointer, keyword, ref }));
        }
      }
      const metaSchema = object.$schema;
      if (typeof metaSchema === 'string' && !isKnownMetaSchema(metaSchema)) {
        problems.push(
          `${pointer}/$schema: '${metaSchema}' is not a meta-schema the registry knows (the JSON Schema drafts 04 to 2020-12, or Snowplow's self-describing schema), and it never fetches one; name a draft or leave $schema out`,
        );
      }
    }
    for (const [key, child] of Object.entries(value)) {
      stack.push({
        value: child,
        pointer: `${pointer}/${escapePointerSegment(key)}`,
      });
    }
  }
  return problems;
}

function outsideProblem(options: {
  pointer: string;
  keyword: string;
  ref: string;
}): string {
  const { pointer, keyword, ref } = options;
  return `${pointer}/${keyword}: '${ref}' points outside this schema; only in-document references ('#...') and references to versions registered in this registry (its API URL followed by /event-types/<name>/versions/<n>) are supported, and nothing a schema names is fetched`;
}

/**
 * What the registry refuses in a meta-schema-valid document: references
 * outside the document, to nowhere or to a value that is not in a schema
 * position, and embedded schema resources. At registration also references
 * and unknown meta-schemas anywhere in it (data included), and regular
 * expressions RE2 cannot run; a stored schema is not held to rules added
 * after it was registered, where compiling it is safe without them (a
 * pattern RE2 cannot run fails to compile).
 */
export function documentProblems(options: {
  document: JsonSchemaDocument;
  draft: JsonSchemaDraft;
  maxPatternLength: number;
  registration: boolean;
}): string[] {
  const { document, draft, maxPatternLength, registration } = options;
  const problems = registration ? referenceProblems(document) : [];
  const idKeyword = draft === 'draft-04' ? 'id' : '$id';
  // The schema objects validation evaluates, which compileJsonSchema meters;
  // a reference into data (`#/examples/0`) would evaluate an unmetered one.
  const subschemas = new Set<unknown>();
  forEachSubschema({
    schema: document,
    visit: schema => {
      subschemas.add(schema);
    },
  });
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
          // A stored schema's reference to a registered version was resolved
          // when it was registered; readers see it as an opaque schema, and
          // validation uses the schema resolved (resolveSchemaReferences).
          if (
            registration ||
            keyword !== '$ref' ||
            !parseRegistryRef({ ref })
          ) {
            problems.push(outsideProblem({ pointer, keyword, ref }));
          }
          continue;
        }
        const target = resolveRef({ root: document, ref });
        if (!target) {
          problems.push(
            `${pointer}/${keyword}: '${ref}' does not point to a schema in this document`,
          );
        } else if (typeof target === 'object' && !subschemas.has(target)) {
          problems.push(
            `${pointer}/${keyword}: '${ref}' points to a value that is not in a schema position (such as inside examples, default or an unknown keyword); put shared schemas under ${
              isDraft2019OrLater(draft) ? '$defs' : 'definitions'
            }`,
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
      if (!registration) {
        return;
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
  if (problems.length === 0) {
    const expansion = expansionProblem(document);
    if (expansion) {
      problems.push(expansion);
    }
  }
  // A reference in a schema position is found by both walks.
  return [...new Set(problems)];
}
