import { EventTypeFormat } from '../types';

// Keywords whose next segment is an index or a name, not a field.
const JSON_SCHEMA_BRANCHES = new Set(['allOf', 'anyOf', 'oneOf']);
const JSON_SCHEMA_PASS_THROUGH = new Set(['not', 'if', 'then', 'else']);
// Keywords that describe an array's items.
const JSON_SCHEMA_ITEMS = new Set([
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'contains',
]);
const JSON_SCHEMA_REQUIRED = new Set(['required', 'dependentRequired']);

/**
 * The field a compatibility problem concerns, as `listFields` names fields
 * (`user.email`, `contacts[].email`, Avro map values `attributes.{}`), and a
 * short id of the rule it breaks, from the schema path the engine reports
 * it at (`/properties/user/properties/email/maxLength`) and its text.
 *
 * The field is the deepest one the path names: a problem with a keyword of
 * an object that concerns undeclared properties (`additionalProperties`,
 * `patternProperties`, `propertyNames`) is the object's, and one at the top
 * of the schema is the event's, `''`. The rule is the JSON Schema keyword
 * that changed (`maxLength`, `required`, `additionalProperties`, ...), or
 * what happened to the field (`type`, `property-added`, `field-removed`,
 * `enum-symbol`, ...).
 */
export function problemField(options: {
  format: EventTypeFormat;
  path: string;
  text: string;
}): { field: string; rule: string } {
  const { format, text } = options;
  const segments = options.path
    .split('/')
    .slice(1)
    .filter(segment => segment !== '')
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return format === 'avro'
    ? avroField(segments, text)
    : jsonSchemaField(segments, text);
}

function jsonSchemaField(
  segments: string[],
  text: string,
): { field: string; rule: string } {
  const parts: string[] = [];
  let keyword: string | undefined;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    keyword = undefined;
    if (segment === 'properties' && index + 1 < segments.length) {
      parts.push(segments[++index]);
    } else if (JSON_SCHEMA_ITEMS.has(segment)) {
      parts.push('[]');
      // A tuple position (`prefixItems/1`) is still an item of the array.
      if (/^\d+$/.test(segments[index + 1] ?? '')) index++;
    } else if (JSON_SCHEMA_BRANCHES.has(segment)) {
      keyword = segment;
      if (/^\d+$/.test(segments[index + 1] ?? '')) index++;
    } else if (JSON_SCHEMA_PASS_THROUGH.has(segment)) {
      keyword = segment;
    } else if (segment === 'dependentSchemas' && index + 1 < segments.length) {
      keyword = segment;
      index++;
    } else {
      // Any other keyword ends the field: what follows describes values
      // (`additionalProperties/maxLength`), not a named field.
      keyword = segment;
      break;
    }
  }
  if (keyword && JSON_SCHEMA_REQUIRED.has(keyword)) {
    const named = /^property '([^']*)'/.exec(text);
    if (named) parts.push(named[1]);
  }
  return {
    field: joinField(parts),
    rule: keyword ?? textRule(text),
  };
}

function avroField(
  segments: string[],
  text: string,
): { field: string; rule: string } {
  const parts: string[] = [];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (segment === 'fields' && index + 1 < segments.length) {
      parts.push(segments[++index]);
    } else if (segment === 'items') {
      parts.push('[]');
    } else if (segment === 'values') {
      parts.push('{}');
    }
  }
  return { field: joinField(parts), rule: textRule(text) };
}

// `contacts`, `[]`, `email` -> `contacts[].email`; `attributes`, `{}` ->
// `attributes.{}`, as listFields writes them.
function joinField(parts: string[]): string {
  let field = '';
  for (const part of parts) {
    if (part === '[]') field += '[]';
    else field = field ? `${field}.${part}` : part;
  }
  return field;
}

const TEXT_RULES: Array<[RegExp, string]> = [
  [/^type /, 'type'],
  [/^property added/, 'property-added'],
  [/^property removed/, 'property-removed'],
  [/^field added/, 'field-added'],
  [/^field removed/, 'field-removed'],
  [/^enum symbol/, 'enum-symbol'],
  [/^union branch/, 'union-branch'],
  [/^fixed size/, 'fixed-size'],
  [/^(record|enum|fixed) name changed/, 'name'],
  [/too complex to compare/, 'too-complex'],
  [/accepts no value/, 'no-value'],
];

function textRule(text: string): string {
  return TEXT_RULES.find(([pattern]) => pattern.test(text))?.[1] ?? 'changed';
}
