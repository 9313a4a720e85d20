import Ajv, { ErrorObject, KeywordCxt, Name, ValidateFunction, _ } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import AjvCore from 'ajv/dist/core';
import type { RegExpEngine } from 'ajv/dist/types';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import {
  checkProblemsInFlight,
  spendValidationWork,
  workOf,
} from '../validationWork';
import { compileLinearRegExp } from './regExp';
import { JsonSchemaDocument, JsonSchemaDraft, isSchemaObject } from './types';
import { uniqueItems } from './uniqueItems';
import { forEachSubschema } from './walk';

const DRAFT_06_URI = 'http://json-schema.org/draft-06/schema#';

// One instance per draft, created on first use: an instance compiles its
// meta-schema once, which is most of the cost of a first validation.
// Measured on Node 22 with a small schema: a fresh Ajv per compile costs
// about 3 ms, a shared one (with the cleanup in compileJsonSchema) 0.3 ms.
//
// Three kinds: validators (optimized code, metered); meta-schema checks,
// whose errors are shown; and the compiles that only prove a schema
// compiles (registration, compatibility checks), which drop the function.
// Those skip Ajv's code optimization and error messages: neither changes
// what compiles, and together they cost a quarter or more of a large
// schema's compile (500 fields, see yarn bench:registry).
type Purpose = 'validate' | 'metaSchema' | 'compile';
const instances = new Map<`${JsonSchemaDraft}:${Purpose}`, AjvCore>();

/**
 * The keyword compileJsonSchema adds to every schema object of the copy it
 * compiles, so that each evaluation of a schema against a value is metered
 * (see validationWork). Named so that no real vocabulary uses it.
 */
const METER_KEYWORD = 'x-event-schemas-meter';

/** Charges one evaluation and checks the problems gathered so far. */
function meter(value: unknown, problems: number): void {
  spendValidationWork(workOf(value));
  checkProblemsInFlight(problems);
}

const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string) => compileLinearRegExp(pattern),
  { code: 'compileLinearRegExp' },
);

function createAjv(draft: JsonSchemaDraft, purpose: Purpose): AjvCore {
  // strict: false lets unknown keywords through as annotations (Snowplow's
  // `self`, vendor extensions); logger: false keeps unknown formats quiet.
  // No loadSchema: nothing a schema names is ever fetched.
  const options = {
    allErrors: true,
    messages: purpose !== 'compile',
    strict: false,
    logger: false,
    code: { regExp: linearRegExp, optimize: purpose === 'validate' },
  } as const;
  let ajv: AjvCore;
  switch (draft) {
    case 'draft-04':
      ajv = new AjvDraft04(options);
      break;
    case '2019-09':
      ajv = new Ajv2019(options);
      break;
    case '2020-12':
      ajv = new Ajv2020(options);
      break;
    default:
      ajv = new Ajv(options);
      ajv.addMetaSchema(draft06MetaSchema);
  }
  // keywords: false leaves out formatMinimum and friends: the compatibility
  // engine does not model them, so they must stay annotations here too.
  addFormats(ajv as Ajv, { mode: 'full', keywords: false });
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword({
    keyword: 'uniqueItems',
    type: 'array',
    schemaType: 'boolean',
    errors: true,
    validate: uniqueItems,
  });
  ajv.addKeyword({
    keyword: METER_KEYWORD,
    schemaType: 'boolean',
    // First of the keywords that apply to every type: the work is charged
    // before it is done (allErrors runs every keyword, so none skips it).
    before: ajv.RULES.rules[0].rules[0]?.keyword,
    code: (cxt: KeywordCxt) => {
      const fn = cxt.gen.scopeValue('func', { ref: meter });
      // `errors` is the count of problems of the function being run.
      cxt.gen.code(_`${fn}(${cxt.data}, ${new Name('errors')})`);
    },
  });
  return ajv;
}

/** A copy of the document with the meter keyword in every schema object. */
function metered(document: JsonSchemaDocument): JsonSchemaDocument {
  const copy = structuredClone(document);
  forEachSubschema({
    schema: copy,
    visit: schema => {
      if (isSchemaObject(schema)) {
        schema[METER_KEYWORD] = true;
      }
    },
  });
  return copy;
}

function ajvFor(draft: JsonSchemaDraft, purpose: Purpose): AjvCore {
  let ajv = instances.get(`${draft}:${purpose}`);
  if (!ajv) {
    ajv = createAjv(draft, purpose);
    instances.set(`${draft}:${purpose}`, ajv);
  }
  return ajv;
}

// The instance's default meta-schema is the draft's, except for draft-06
// which shares the draft-07 class. Any other `$schema` (custom or spelled
// with https) would make Ajv look for a meta-schema it does not have.
function forAjv(
  document: JsonSchemaDocument,
  draft: JsonSchemaDraft,
): JsonSchemaDocument {
  if (typeof document === 'boolean') {
    return document;
  }
  const { $schema: _ignored, ...rest } = document;
  return draft === 'draft-06' ? { ...rest, $schema: DRAFT_06_URI } : rest;
}

/** Renders one Ajv error as `/path message`, with the detail Ajv keeps apart. */
export function formatAjvError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (error.keyword === 'additionalProperties') {
    detail = ` ('${params.additionalProperty}')`;
  } else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    detail = ` (${params.allowedValues
      .map(v => JSON.stringify(v))
      .join(', ')})`;
  }
  return `${error.instancePath || '/'} ${error.message}${detail}`;
}

/** Checks a schema against its draft's meta-schema; returns the errors. */
export function metaSchemaErrors(options: {
  document: JsonSchemaDocument;
  draft: JsonSchemaDraft;
}): string[] {
  const ajv = ajvFor(options.draft, 'metaSchema');
  const valid = ajv.validateSchema(forAjv(options.document, options.draft));
  return valid ? [] : [...new Set((ajv.errors ?? []).map(formatAjvError))];
}

/**
 * Compiles a schema with the draft's shared instance, metered (the validator
 * throws ValidationStopped when an event costs more than its budget; see
 * validationWork).
 */
export function compileJsonSchema(options: {
  document: JsonSchemaDocument;
  draft: JsonSchemaDraft;
}): ValidateFunction {
  return compileOnce({
    ajv: ajvFor(options.draft, 'validate'),
    schema: forAjv(metered(options.document), options.draft),
  });
}

/**
 * Throws what compiling the schema would (Ajv's own checks, beyond its
 * meta-schema), without the cost of a validator's optimized code: for
 * registration and compatibility checks, which drop the function.
 */
export function assertJsonSchemaCompiles(options: {
  document: JsonSchemaDocument;
  draft: JsonSchemaDraft;
}): void {
  compileOnce({
    ajv: ajvFor(options.draft, 'compile'),
    schema: forAjv(options.document, options.draft),
  });
}

/**
 * Compiles, then forgets the schema: Ajv registers every compiled schema
 * (and each `$id` and anchor URI inside it) and would otherwise grow without
 * bound, and reject the next schema that reuses an `$id` such as a new
 * version of the same event type.
 */
function compileOnce(options: {
  ajv: AjvCore;
  schema: JsonSchemaDocument;
}): ValidateFunction {
  const { ajv, schema } = options;
  const refsBefore = new Set(Object.keys(ajv.refs));
  const schemasBefore = new Set(Object.keys(ajv.schemas));
  try {
    return ajv.compile(schema);
  } finally {
    if (typeof schema === 'object') {
      ajv.removeSchema(schema);
    }
    for (const key of Object.keys(ajv.refs)) {
      if (!refsBefore.has(key)) {
        delete ajv.refs[key];
      }
    }
    for (const key of Object.keys(ajv.schemas)) {
      if (!schemasBefore.has(key)) {
        delete ajv.schemas[key];
      }
    }
  }
}
