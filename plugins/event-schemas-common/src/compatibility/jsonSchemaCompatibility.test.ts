import { CompatibilityMode } from '../types';
import { checkCompatibility } from './checkCompatibility';

/**
 * Each case states the rule it tests. BACKWARD asks "is every event valid
 * under the old schema valid under the new one" (old ⊆ new), FORWARD the
 * reverse (new ⊆ old), FULL both; `_TRANSITIVE` against every version.
 */
type Case = {
  rule: string;
  mode: CompatibilityMode;
  previous: unknown[];
  candidate: unknown;
  compatible: boolean;
  /** Substrings that some message must contain, one message each. */
  messages?: string[];
};

const object = (
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({ type: 'object', properties, ...extra });

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';
const DRAFT_06 = 'http://json-schema.org/draft-06/schema#';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const DRAFT_2019 = 'https://json-schema.org/draft/2019-09/schema';
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const IGLU =
  'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#';

// Modelled on Iglu Central's com.snowplowanalytics.snowplow/link_click.
const linkClick = (
  version: string,
  extraProperties: Record<string, unknown> = {},
  targetUrl: Record<string, unknown> = {
    type: 'string',
    minLength: 1,
    maxLength: 4096,
  },
) => ({
  $schema: IGLU,
  description: 'Schema for a link click event',
  self: {
    vendor: 'com.snowplowanalytics.snowplow',
    name: 'link_click',
    format: 'jsonschema',
    version,
  },
  type: 'object',
  properties: {
    elementId: { type: 'string', maxLength: 255 },
    elementClasses: {
      type: 'array',
      items: { type: 'string', maxLength: 255 },
    },
    elementTarget: { type: 'string', maxLength: 255 },
    targetUrl,
    ...extraProperties,
  },
  required: ['targetUrl'],
  additionalProperties: false,
});

const order = object(
  {
    id: { type: 'string' },
    price: { type: 'number', minimum: 0 },
    name: { type: 'string', maxLength: 200 },
    kind: { enum: ['song', 'podcast'] },
  },
  { required: ['id', 'price'] },
);

const cases: Case[] = [
  // ---- NONE and trivial cases ----
  {
    rule: 'NONE never checks: even a changed type is accepted',
    mode: 'NONE',
    previous: [{ type: 'string' }],
    candidate: { type: 'integer' },
    compatible: true,
  },
  {
    rule: 'NONE with no earlier version',
    mode: 'NONE',
    previous: [],
    candidate: order,
    compatible: true,
  },
  {
    rule: 'a first version has nothing to be compatible with',
    mode: 'FULL_TRANSITIVE',
    previous: [],
    candidate: order,
    compatible: true,
  },
  {
    rule: 'an identical schema accepts exactly the same events',
    mode: 'FULL_TRANSITIVE',
    previous: [order, order],
    candidate: order,
    compatible: true,
  },
  {
    rule: 'annotations (title, description, $comment, examples, default) assert nothing',
    mode: 'FULL',
    previous: [order],
    candidate: {
      ...order,
      title: 'Order',
      description: 'An order',
      $comment: 'v2',
      properties: {
        ...order.properties,
        name: { type: 'string', maxLength: 200, examples: ['x'], default: 'y' },
      },
    },
    compatible: true,
  },

  // ---- type ----
  {
    rule: 'type: integer values are numbers, so widening integer to number keeps old events valid',
    mode: 'BACKWARD',
    previous: [object({ price: { type: 'integer' } })],
    candidate: object({ price: { type: 'number' } }),
    compatible: true,
  },
  {
    rule: 'type: narrowing number to integer rejects old events with 9.99',
    mode: 'BACKWARD',
    previous: [object({ price: { type: 'number' } })],
    candidate: object({ price: { type: 'integer' } }),
    compatible: false,
    messages: ['/properties/price: type narrowed from number to integer'],
  },
  {
    rule: 'type: widening integer to number lets new events carry 9.99, which old consumers reject',
    mode: 'FORWARD',
    previous: [object({ price: { type: 'integer' } })],
    candidate: object({ price: { type: 'number' } }),
    compatible: false,
    messages: ['/properties/price: type widened from integer to number'],
  },
  {
    rule: 'type: narrowing number to integer keeps new events valid for old consumers',
    mode: 'FORWARD',
    previous: [object({ price: { type: 'number' } })],
    candidate: object({ price: { type: 'integer' } }),
    compatible: true,
  },
  {
    rule: 'type: FULL fails when one direction fails (widening breaks forward)',
    mode: 'FULL',
    previous: [object({ price: { type: 'integer' } })],
    candidate: object({ price: { type: 'number' } }),
    compatible: false,
    messages: ['type widened from integer to number'],
  },
  {
    rule: 'type: dropping null from a type array rejects old events with null',
    mode: 'BACKWARD',
    previous: [object({ note: { type: ['string', 'null'] } })],
    candidate: object({ note: { type: 'string' } }),
    compatible: false,
    messages: ['/properties/note: type narrowed from string|null to string'],
  },
  {
    rule: 'type: adding null to the type makes the new schema a superset',
    mode: 'BACKWARD',
    previous: [object({ note: { type: 'string' } })],
    candidate: object({ note: { type: ['string', 'null'] } }),
    compatible: true,
  },
  {
    rule: 'type: number with an integral multipleOf only holds integers, so integer accepts them',
    mode: 'BACKWARD',
    previous: [object({ count: { type: 'number', multipleOf: 1 } })],
    candidate: object({ count: { type: 'integer' } }),
    compatible: true,
  },
  {
    rule: 'type: restricting an untyped property rejects old values of other types',
    mode: 'BACKWARD',
    previous: [object({ value: {} })],
    candidate: object({ value: { type: 'string' } }),
    compatible: false,
    messages: ['/properties/value: type restricted to string (was any type)'],
  },

  // ---- required ----
  {
    rule: 'required: a new required property is missing from old events',
    mode: 'BACKWARD',
    previous: [object({ country: { type: 'string' } })],
    candidate: object(
      { country: { type: 'string' } },
      { required: ['country'] },
    ),
    compatible: false,
    messages: ["/required: property 'country' became required"],
  },
  {
    rule: 'required: new events always have the property, which the old schema allows',
    mode: 'FORWARD',
    previous: [object({ country: { type: 'string' } })],
    candidate: object(
      { country: { type: 'string' } },
      { required: ['country'] },
    ),
    compatible: true,
  },
  {
    rule: 'required: new events may lack a property old consumers require',
    mode: 'FORWARD',
    previous: [
      object({ country: { type: 'string' } }, { required: ['country'] }),
    ],
    candidate: object({ country: { type: 'string' } }),
    compatible: false,
    messages: ["/required: property 'country' is no longer required"],
  },

  // ---- properties and additionalProperties ----
  {
    rule: 'properties: the old open schema allowed any value for a property the new one constrains',
    mode: 'BACKWARD',
    previous: [object({ id: { type: 'string' } })],
    candidate: object({ id: { type: 'string' }, country: { type: 'string' } }),
    compatible: false,
    messages: [
      '/properties/country: property added with constraints, but the old schema allowed any value for it',
    ],
  },
  {
    rule: 'properties: a closed old schema never had the new optional property',
    mode: 'BACKWARD',
    previous: [
      object({ id: { type: 'string' } }, { additionalProperties: false }),
    ],
    candidate: object(
      { id: { type: 'string' }, country: { type: 'string' } },
      { additionalProperties: false },
    ),
    compatible: true,
  },
  {
    rule: 'properties: new events may carry a property the closed old schema rejects',
    mode: 'FORWARD',
    previous: [
      object({ id: { type: 'string' } }, { additionalProperties: false }),
    ],
    candidate: object(
      { id: { type: 'string' }, country: { type: 'string' } },
      { additionalProperties: false },
    ),
    compatible: false,
    messages: [
      '/properties/country: property added, but the old schema does not allow other properties (additionalProperties: false)',
    ],
  },
  {
    rule: 'properties: removing a property from a closed schema rejects old events that have it',
    mode: 'BACKWARD',
    previous: [
      object(
        { id: { type: 'string' }, legacy: { type: 'string' } },
        { additionalProperties: false },
      ),
    ],
    candidate: object(
      { id: { type: 'string' } },
      { additionalProperties: false },
    ),
    compatible: false,
    messages: [
      '/properties/legacy: property removed, but the new schema does not allow other properties',
    ],
  },
  {
    rule: 'properties: removing a property from an open schema leaves any value allowed',
    mode: 'BACKWARD',
    previous: [object({ id: { type: 'string' }, legacy: { type: 'string' } })],
    candidate: object({ id: { type: 'string' } }),
    compatible: true,
  },
  {
    rule: 'properties: an unconstrained new property (`{}`) changes nothing in either direction',
    mode: 'FULL',
    previous: [object({ id: { type: 'string' } })],
    candidate: object({ id: { type: 'string' }, note: {} }),
    compatible: true,
  },
  {
    rule: 'additionalProperties: closing an open schema rejects old events with extra properties',
    mode: 'BACKWARD',
    previous: [object({ id: { type: 'string' } })],
    candidate: object(
      { id: { type: 'string' } },
      { additionalProperties: false },
    ),
    compatible: false,
    messages: [
      '/additionalProperties: closed (false) but the old schema allows other properties',
    ],
  },
  {
    rule: 'additionalProperties: opening a closed schema lets new events carry properties old consumers reject',
    mode: 'FORWARD',
    previous: [
      object({ id: { type: 'string' } }, { additionalProperties: false }),
    ],
    candidate: object({ id: { type: 'string' } }),
    compatible: false,
    messages: ['/additionalProperties: closed (false) in the old schema'],
  },
  {
    rule: 'additionalProperties: a wider schema for other properties keeps old values valid',
    mode: 'BACKWARD',
    previous: [object({}, { additionalProperties: { type: 'string' } })],
    candidate: object(
      {},
      { additionalProperties: { type: ['string', 'number'] } },
    ),
    compatible: true,
  },
  {
    rule: 'additionalProperties: a narrower schema for other properties rejects old values',
    mode: 'BACKWARD',
    previous: [
      object({}, { additionalProperties: { type: 'string', maxLength: 10 } }),
    ],
    candidate: object(
      {},
      { additionalProperties: { type: 'string', maxLength: 5 } },
    ),
    compatible: false,
    messages: ['/additionalProperties/maxLength: lowered from 10 to 5'],
  },
  {
    rule: 'properties: a property the old schema forbade (false) may take any schema',
    mode: 'BACKWARD',
    previous: [object({ secret: false })],
    candidate: object({ secret: { type: 'string' } }),
    compatible: true,
  },
  {
    rule: 'patternProperties: a narrower schema for matching names rejects old values',
    mode: 'BACKWARD',
    previous: [
      object({}, { patternProperties: { '^x-': { type: 'string' } } }),
    ],
    candidate: object(
      {},
      { patternProperties: { '^x-': { type: 'string', maxLength: 3 } } },
    ),
    compatible: false,
    messages: ['/patternProperties/^x-/maxLength: added (3)'],
  },
  {
    rule: 'minProperties/maxProperties: adding a count bound rejects old objects outside it',
    mode: 'BACKWARD',
    previous: [object({})],
    candidate: object({}, { minProperties: 1, maxProperties: 5 }),
    compatible: false,
    messages: ['/minProperties: added (1)', '/maxProperties: added (5)'],
  },
  {
    rule: 'maxProperties: a closed schema with two properties never has more than two',
    mode: 'BACKWARD',
    previous: [object({ a: {}, b: {} }, { additionalProperties: false })],
    candidate: object({ a: {}, b: {} }, { maxProperties: 2 }),
    compatible: true,
  },
  {
    rule: 'propertyNames: limiting names rejects old objects with longer names',
    mode: 'BACKWARD',
    previous: [object({})],
    candidate: object({}, { propertyNames: { maxLength: 8 } }),
    compatible: false,
    messages: ['/propertyNames/maxLength: added (8)'],
  },
  {
    rule: 'propertyNames: a closed schema whose names all fit the new rule stays compatible',
    mode: 'BACKWARD',
    previous: [object({ id: {}, name: {} }, { additionalProperties: false })],
    candidate: object(
      { id: {}, name: {} },
      { additionalProperties: false, propertyNames: { pattern: '^[a-z]+$' } },
    ),
    compatible: true,
  },

  // ---- enum and const ----
  {
    rule: 'enum: removing a value rejects old events that use it',
    mode: 'BACKWARD',
    previous: [order],
    candidate: {
      ...order,
      properties: { ...order.properties, kind: { enum: ['song'] } },
    },
    compatible: false,
    messages: ["/properties/kind/enum: value 'podcast' removed"],
  },
  {
    rule: 'enum: adding a value keeps every old value valid',
    mode: 'BACKWARD',
    previous: [order],
    candidate: {
      ...order,
      properties: {
        ...order.properties,
        kind: { enum: ['song', 'podcast', 'audiobook'] },
      },
    },
    compatible: true,
  },
  {
    rule: 'enum: a value added in the new schema is rejected by old consumers',
    mode: 'FORWARD',
    previous: [object({ kind: { enum: ['song'] } })],
    candidate: object({ kind: { enum: ['song', 'podcast'] } }),
    compatible: false,
    messages: ["/properties/kind/enum: value 'podcast' added"],
  },
  {
    rule: 'const: a const is a one-value enum, so an enum containing it is a superset',
    mode: 'BACKWARD',
    previous: [{ $schema: DRAFT_06, ...object({ v: { const: 1 } }) }],
    candidate: { $schema: DRAFT_06, ...object({ v: { enum: [1, 2] } }) },
    compatible: true,
  },
  {
    rule: 'enum: restricting a free string to a list rejects other old strings',
    mode: 'BACKWARD',
    previous: [object({ kind: { type: 'string' } })],
    candidate: object({ kind: { type: 'string', enum: ['a', 'b'] } }),
    compatible: false,
    messages: ["/properties/kind/enum: added (only 'a', 'b' allowed)"],
  },
  {
    rule: 'enum: each old value is checked against every new keyword',
    mode: 'BACKWARD',
    previous: [object({ code: { enum: ['ab', 'abcd'] } })],
    candidate: object({ code: { type: 'string', maxLength: 3 } }),
    compatible: false,
    messages: [
      "/properties/code: value 'abcd', allowed by the old schema, is rejected by the new schema",
    ],
  },
  {
    rule: 'enum: a boolean type holds two values, both in the new enum',
    mode: 'BACKWARD',
    previous: [object({ flag: { type: 'boolean' } })],
    candidate: object({ flag: { enum: [true, false] } }),
    compatible: true,
  },

  // ---- numbers ----
  {
    rule: 'minimum: raising the lower bound rejects old values below it',
    mode: 'BACKWARD',
    previous: [object({ age: { type: 'integer', minimum: 0 } })],
    candidate: object({ age: { type: 'integer', minimum: 18 } }),
    compatible: false,
    messages: [
      '/properties/age/minimum: lower bound raised from >= 0 to >= 18',
    ],
  },
  {
    rule: 'maximum: removing the upper bound only widens',
    mode: 'BACKWARD',
    previous: [object({ age: { type: 'integer', maximum: 150 } })],
    candidate: object({ age: { type: 'integer' } }),
    compatible: true,
  },
  {
    rule: 'maximum: new events may exceed the bound old consumers enforce',
    mode: 'FORWARD',
    previous: [object({ age: { type: 'integer', maximum: 150 } })],
    candidate: object({ age: { type: 'integer' } }),
    compatible: false,
    messages: ['/properties/age/maximum: upper bound removed (was <= 150)'],
  },
  {
    rule: 'draft-04 exclusiveMinimum (boolean form) makes 0 itself invalid',
    mode: 'BACKWARD',
    previous: [
      { $schema: DRAFT_04, ...object({ n: { type: 'number', minimum: 0 } }) },
    ],
    candidate: {
      $schema: DRAFT_04,
      ...object({ n: { type: 'number', minimum: 0, exclusiveMinimum: true } }),
    },
    compatible: false,
    messages: [
      '/properties/n/exclusiveMinimum: lower bound changed from >= 0 to > 0',
    ],
  },
  {
    rule: 'draft-04 boolean exclusiveMinimum and draft-06 numeric exclusiveMinimum say the same',
    mode: 'FULL',
    previous: [
      {
        $schema: DRAFT_04,
        ...object({
          n: { type: 'number', minimum: 0, exclusiveMinimum: true },
        }),
      },
    ],
    candidate: {
      $schema: DRAFT_06,
      ...object({ n: { type: 'number', exclusiveMinimum: 0 } }),
    },
    compatible: true,
  },
  {
    rule: 'for integers, > 0 and >= 1 accept the same values',
    mode: 'FULL',
    previous: [object({ n: { type: 'integer', exclusiveMinimum: 0 } })],
    candidate: object({ n: { type: 'integer', minimum: 1 } }),
    compatible: true,
  },
  {
    rule: 'multipleOf: multiples of 10 are multiples of 5, not the other way round',
    mode: 'BACKWARD',
    previous: [object({ n: { type: 'integer', multipleOf: 5 } })],
    candidate: object({ n: { type: 'integer', multipleOf: 10 } }),
    compatible: false,
    messages: ['/properties/n/multipleOf: changed from 5 to 10'],
  },
  {
    rule: 'multipleOf: relaxing 10 to 5 keeps old values valid',
    mode: 'BACKWARD',
    previous: [object({ n: { type: 'integer', multipleOf: 10 } })],
    candidate: object({ n: { type: 'integer', multipleOf: 5 } }),
    compatible: true,
  },

  // ---- strings ----
  {
    rule: 'maxLength: lowering it rejects old strings between the two lengths',
    mode: 'BACKWARD',
    previous: [order],
    candidate: {
      ...order,
      properties: {
        ...order.properties,
        name: { type: 'string', maxLength: 100 },
      },
    },
    compatible: false,
    messages: ['/properties/name/maxLength: lowered from 200 to 100'],
  },
  {
    rule: 'maxLength: raising it keeps old strings valid',
    mode: 'BACKWARD',
    previous: [object({ name: { type: 'string', maxLength: 100 } })],
    candidate: object({ name: { type: 'string', maxLength: 200 } }),
    compatible: true,
  },
  {
    rule: 'maxLength: raising it lets new strings exceed what old consumers accept',
    mode: 'FORWARD',
    previous: [object({ name: { type: 'string', maxLength: 100 } })],
    candidate: object({ name: { type: 'string', maxLength: 200 } }),
    compatible: false,
    messages: ['/properties/name/maxLength: raised from 100 to 200'],
  },
  {
    rule: 'minLength: adding one rejects old empty strings',
    mode: 'BACKWARD',
    previous: [object({ name: { type: 'string' } })],
    candidate: object({ name: { type: 'string', minLength: 1 } }),
    compatible: false,
    messages: ['/properties/name/minLength: added (1)'],
  },
  {
    rule: 'pattern: whether one regular expression contains another cannot be decided here',
    mode: 'BACKWARD',
    previous: [object({ sku: { type: 'string', pattern: '^[A-Z]{3}$' } })],
    candidate: object({ sku: { type: 'string', pattern: '^[A-Z]{3,4}$' } }),
    compatible: false,
    messages: [
      "/properties/sku/pattern: changed from '^[A-Z]{3}$' to '^[A-Z]{3,4}$'; cannot prove",
    ],
  },
  {
    rule: 'pattern: an unchanged pattern accepts the same strings',
    mode: 'FULL',
    previous: [object({ sku: { type: 'string', pattern: '^[A-Z]{3}$' } })],
    candidate: object({
      sku: { type: 'string', pattern: '^[A-Z]{3}$', description: 'SKU' },
    }),
    compatible: true,
  },
  {
    rule: 'pattern: removing it only widens',
    mode: 'BACKWARD',
    previous: [object({ sku: { type: 'string', pattern: '^[A-Z]{3}$' } })],
    candidate: object({ sku: { type: 'string' } }),
    compatible: true,
  },
  {
    rule: 'format: adding one rejects old strings that are not, say, emails',
    mode: 'BACKWARD',
    previous: [object({ contact: { type: 'string' } })],
    candidate: object({ contact: { type: 'string', format: 'email' } }),
    compatible: false,
    messages: ["/properties/contact/format: added ('email')"],
  },
  {
    rule: 'format: removing it only widens',
    mode: 'BACKWARD',
    previous: [object({ at: { type: 'string', format: 'date-time' } })],
    candidate: object({ at: { type: 'string' } }),
    compatible: true,
  },

  {
    rule: 'format: dropping one lets new strings through that old consumers reject',
    mode: 'FORWARD',
    previous: [object({ contact: { type: 'string', format: 'email' } })],
    candidate: object({ contact: { type: 'string' } }),
    compatible: false,
    messages: ["/properties/contact/format: removed (was 'email')"],
  },
  {
    rule: 'format: int32 asserts on numbers (ajv-formats), so adding it rejects old large values',
    mode: 'BACKWARD',
    previous: [object({ n: { type: 'integer' } })],
    candidate: object({ n: { type: 'integer', format: 'int32' } }),
    compatible: false,
    messages: ["/properties/n/format: added ('int32')"],
  },
  {
    rule: 'format: a format the validator does not know is an annotation, as Ajv ignores it',
    mode: 'FULL',
    previous: [object({ uri: { type: 'string' } })],
    candidate: object({ uri: { type: 'string', format: 'x-iglu-uri' } }),
    compatible: true,
  },

  // ---- arrays ----
  {
    rule: 'items: narrowing the item type rejects old arrays',
    mode: 'BACKWARD',
    previous: [
      object({
        tags: { type: 'array', items: { type: ['string', 'integer'] } },
      }),
    ],
    candidate: object({ tags: { type: 'array', items: { type: 'string' } } }),
    compatible: false,
    messages: [
      '/properties/tags/items: type narrowed from string|integer to string',
    ],
  },
  {
    rule: 'minItems/maxItems: tighter counts reject old arrays',
    mode: 'BACKWARD',
    previous: [object({ tags: { type: 'array', minItems: 0, maxItems: 10 } })],
    candidate: object({ tags: { type: 'array', minItems: 1, maxItems: 5 } }),
    compatible: false,
    messages: [
      '/properties/tags/minItems: added (1)',
      '/properties/tags/maxItems: lowered from 10 to 5',
    ],
  },
  {
    rule: 'uniqueItems: requiring unique items rejects old arrays with repeats',
    mode: 'BACKWARD',
    previous: [object({ tags: { type: 'array' } })],
    candidate: object({ tags: { type: 'array', uniqueItems: true } }),
    compatible: false,
    messages: ['/properties/tags/uniqueItems: added'],
  },
  {
    rule: 'prefixItems (2020-12): a narrower second tuple position rejects old tuples',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_2020,
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'number' }],
      },
    ],
    candidate: {
      $schema: DRAFT_2020,
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'integer' }],
    },
    compatible: false,
    messages: ['/prefixItems/1: type narrowed from number to integer'],
  },
  {
    rule: 'tuple items (draft-07): closing the tuple with additionalItems false rejects longer old arrays',
    mode: 'BACKWARD',
    previous: [
      { $schema: DRAFT_07, type: 'array', items: [{ type: 'string' }] },
    ],
    candidate: {
      $schema: DRAFT_07,
      type: 'array',
      items: [{ type: 'string' }],
      additionalItems: false,
    },
    compatible: false,
    messages: ['/additionalItems: the new schema accepts no value here'],
  },
  {
    rule: 'tuple items (draft-07): opening a closed tuple only widens',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_07,
        type: 'array',
        items: [{ type: 'string' }],
        additionalItems: false,
      },
    ],
    candidate: {
      $schema: DRAFT_07,
      type: 'array',
      items: [{ type: 'string' }],
      additionalItems: { type: 'number' },
    },
    compatible: true,
  },
  {
    rule: 'contains: requiring a matching item rejects old arrays without one',
    mode: 'BACKWARD',
    previous: [object({ tags: { type: 'array', items: { type: 'string' } } })],
    candidate: object({
      tags: {
        type: 'array',
        items: { type: 'string' },
        contains: { const: 'main' },
      },
    }),
    compatible: false,
    messages: [
      '/properties/tags/contains: cannot prove that every array the old schema allows',
    ],
  },

  // ---- nesting and references ----
  {
    rule: 'nested objects are compared recursively',
    mode: 'BACKWARD',
    previous: [object({ user: object({ id: { type: 'number' } }) })],
    candidate: object({ user: object({ id: { type: 'integer' } }) }),
    compatible: false,
    messages: [
      '/properties/user/properties/id: type narrowed from number to integer',
    ],
  },
  {
    rule: '$ref: a narrowed definition narrows every property that refers to it',
    mode: 'BACKWARD',
    previous: [
      {
        definitions: { id: { type: 'string', maxLength: 64 } },
        ...object({ user: { $ref: '#/definitions/id' } }),
      },
    ],
    candidate: {
      definitions: { id: { type: 'string', maxLength: 32 } },
      ...object({ user: { $ref: '#/definitions/id' } }),
    },
    compatible: false,
    messages: ['/properties/user/maxLength: lowered from 64 to 32'],
  },
  {
    rule: '$ref: a recursive tree compares node by node and stops at the cycle',
    mode: 'BACKWARD',
    previous: [
      {
        $ref: '#/definitions/node',
        definitions: {
          node: object({
            name: { type: 'string', maxLength: 10 },
            children: { type: 'array', items: { $ref: '#/definitions/node' } },
          }),
        },
      },
    ],
    candidate: {
      $ref: '#/definitions/node',
      definitions: {
        node: object({
          name: { type: 'string', maxLength: 20 },
          children: { type: 'array', items: { $ref: '#/definitions/node' } },
        }),
      },
    },
    compatible: true,
  },
  {
    rule: '$ref: narrowing inside a recursive tree is found at the first level',
    mode: 'BACKWARD',
    previous: [
      {
        $ref: '#/definitions/node',
        definitions: {
          node: object({
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/definitions/node' } },
          }),
        },
      },
    ],
    candidate: {
      $ref: '#/definitions/node',
      definitions: {
        node: object({
          name: { type: 'string', maxLength: 5 },
          children: { type: 'array', items: { $ref: '#/definitions/node' } },
        }),
      },
    },
    compatible: false,
    messages: ['/properties/name/maxLength: added (5)'],
  },
  {
    rule: '$ref siblings are ignored in draft-07, so a sibling maxLength changes nothing',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_07,
        definitions: { s: { type: 'string' } },
        ...object({ a: { $ref: '#/definitions/s' } }),
      },
    ],
    candidate: {
      $schema: DRAFT_07,
      definitions: { s: { type: 'string' } },
      ...object({ a: { $ref: '#/definitions/s', maxLength: 5 } }),
    },
    compatible: true,
  },
  {
    rule: '$ref siblings apply in 2020-12, so a sibling maxLength narrows',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_2020,
        $defs: { s: { type: 'string' } },
        ...object({ a: { $ref: '#/$defs/s' } }),
      },
    ],
    candidate: {
      $schema: DRAFT_2020,
      $defs: { s: { type: 'string' } },
      ...object({ a: { $ref: '#/$defs/s', maxLength: 5 } }),
    },
    compatible: false,
    messages: ['/properties/a/maxLength: added (5)'],
  },

  // ---- combinators ----
  {
    rule: 'anyOf: adding a branch widens',
    mode: 'BACKWARD',
    previous: [
      object({ id: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }),
    ],
    candidate: object({
      id: {
        anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }],
      },
    }),
    compatible: true,
  },
  {
    rule: 'anyOf: removing a branch leaves old values of that branch with no match',
    mode: 'BACKWARD',
    previous: [
      object({ id: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }),
    ],
    candidate: object({ id: { anyOf: [{ type: 'string' }] } }),
    compatible: false,
    messages: [
      '/properties/id/anyOf: no branch accepts everything the old schema allows',
    ],
  },
  {
    rule: 'anyOf: a type list is a union too, so each type may match its own branch',
    mode: 'FULL',
    previous: [object({ note: { type: ['string', 'null'] } })],
    candidate: object({
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    }),
    compatible: true,
  },
  {
    rule: 'oneOf: a branch with a new discriminator const is disjoint from the others',
    mode: 'BACKWARD',
    previous: [
      {
        oneOf: [
          object(
            { kind: { const: 'song' }, title: { type: 'string' } },
            { required: ['kind'] },
          ),
          object(
            { kind: { const: 'podcast' }, show: { type: 'string' } },
            { required: ['kind'] },
          ),
        ],
      },
    ],
    candidate: {
      oneOf: [
        object(
          { kind: { const: 'song' }, title: { type: 'string' } },
          { required: ['kind'] },
        ),
        object(
          { kind: { const: 'podcast' }, show: { type: 'string' } },
          { required: ['kind'] },
        ),
        object({ kind: { const: 'audiobook' } }, { required: ['kind'] }),
      ],
    },
    compatible: true,
  },
  {
    rule: 'oneOf: a new branch that overlaps an old one can make old values match two branches',
    mode: 'BACKWARD',
    previous: [{ oneOf: [{ type: 'string' }, { type: 'integer' }] }],
    candidate: {
      oneOf: [
        { type: 'string' },
        { type: 'integer' },
        { type: 'string', maxLength: 3 },
      ],
    },
    compatible: false,
    messages: [
      '/oneOf: cannot prove that values the old schema allows match only one branch',
    ],
  },
  {
    rule: 'allOf: branches are merged, so a required list in a later branch counts',
    mode: 'BACKWARD',
    previous: [
      {
        definitions: {
          base: object({ id: { type: 'string' }, at: { type: 'string' } }),
        },
        allOf: [{ $ref: '#/definitions/base' }],
      },
    ],
    candidate: {
      definitions: {
        base: object({ id: { type: 'string' }, at: { type: 'string' } }),
      },
      allOf: [{ $ref: '#/definitions/base' }, { required: ['at'] }],
    },
    compatible: false,
    messages: ["/required: property 'at' became required"],
  },
  {
    rule: 'not: whether a new exclusion hits old values is not decided in general',
    mode: 'BACKWARD',
    previous: [object({ x: { type: 'string' } })],
    candidate: object({ x: { type: 'string', not: { const: 'admin' } } }),
    compatible: false,
    messages: ["/properties/x: cannot prove compatibility of 'not' keyword"],
  },
  {
    rule: 'not: excluding a type the old schema never allowed changes nothing',
    mode: 'BACKWARD',
    previous: [object({ x: { type: 'string' } })],
    candidate: object({ x: { type: 'string', not: { type: 'number' } } }),
    compatible: true,
  },
  {
    rule: 'if/then/else: with the same condition, branches are compared one to one',
    mode: 'BACKWARD',
    previous: [
      {
        ...object({ kind: { type: 'string' }, url: { type: 'string' } }),
        if: object({ kind: { const: 'link' } }, { required: ['kind'] }),
        then: { required: ['url'] },
      },
    ],
    candidate: {
      ...object({ kind: { type: 'string' }, url: { type: 'string' } }),
      if: object({ kind: { const: 'link' } }, { required: ['kind'] }),
      then: object({ url: { maxLength: 100 } }, { required: ['url'] }),
    },
    compatible: false,
    messages: ['/then/properties/url/maxLength: added (100)'],
  },
  {
    rule: 'if/then/else: a new conditional constraint cannot be proven harmless in general',
    mode: 'BACKWARD',
    previous: [object({ kind: { type: 'string' }, url: { type: 'string' } })],
    candidate: {
      ...object({ kind: { type: 'string' }, url: { type: 'string' } }),
      if: object({ kind: { const: 'link' } }, { required: ['kind'] }),
      then: { required: ['url'] },
    },
    compatible: false,
    messages: ["/: cannot prove compatibility of 'if'/'then'/'else'"],
  },
  {
    rule: 'dependentRequired (2019-09): a new dependency rejects old objects with only one of the two',
    mode: 'BACKWARD',
    previous: [{ $schema: DRAFT_2019, ...object({ card: {}, cvv: {} }) }],
    candidate: {
      $schema: DRAFT_2019,
      ...object({ card: {}, cvv: {} }),
      dependentRequired: { card: ['cvv'] },
    },
    compatible: false,
    messages: [
      "/dependentRequired: property 'cvv' became required when 'card' is present",
    ],
  },
  {
    rule: 'dependencies (draft-07): dropping a dependency only widens',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_07,
        ...object({ card: {}, cvv: {} }),
        dependencies: { card: ['cvv'] },
      },
    ],
    candidate: { $schema: DRAFT_07, ...object({ card: {}, cvv: {} }) },
    compatible: true,
  },
  {
    rule: 'dependentSchemas (2019-09): a new dependent schema constrains old objects',
    mode: 'BACKWARD',
    previous: [{ $schema: DRAFT_2019, ...object({ card: {}, cvv: {} }) }],
    candidate: {
      $schema: DRAFT_2019,
      ...object({ card: {}, cvv: {} }),
      dependentSchemas: {
        card: object({ cvv: { type: 'string', maxLength: 4 } }),
      },
    },
    compatible: false,
    messages: [
      '/dependentSchemas/card/properties/cvv: type restricted to string (was any type)',
      '/dependentSchemas/card/properties/cvv/maxLength: added (4)',
    ],
  },
  {
    rule: 'unevaluatedProperties (2019-09) closes an allOf composition; adding a property is fine backward',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_2019,
        $defs: { base: object({ id: { type: 'string' } }) },
        allOf: [{ $ref: '#/$defs/base' }],
        properties: { name: { type: 'string' } },
        unevaluatedProperties: false,
      },
    ],
    candidate: {
      $schema: DRAFT_2019,
      $defs: { base: object({ id: { type: 'string' } }) },
      allOf: [{ $ref: '#/$defs/base' }],
      properties: { name: { type: 'string' }, country: { type: 'string' } },
      unevaluatedProperties: false,
    },
    compatible: true,
  },
  {
    rule: 'unevaluatedProperties (2019-09): dropping a property from the closed composition rejects old events',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_2019,
        $defs: { base: object({ id: { type: 'string' } }) },
        allOf: [{ $ref: '#/$defs/base' }],
        properties: { name: { type: 'string' } },
        unevaluatedProperties: false,
      },
    ],
    candidate: {
      $schema: DRAFT_2019,
      $defs: { base: object({ id: { type: 'string' } }) },
      allOf: [{ $ref: '#/$defs/base' }],
      unevaluatedProperties: false,
    },
    compatible: false,
    messages: [
      '/properties/name: property removed, but the new schema does not allow other properties (unevaluatedProperties: false)',
    ],
  },
  {
    rule: 'boolean schemas: false accepts nothing, so every old value is rejected',
    mode: 'BACKWARD',
    previous: [object({ legacy: true })],
    candidate: object({ legacy: false }),
    compatible: false,
    messages: ['/properties/legacy: the new schema accepts no value here'],
  },
  {
    rule: 'boolean schemas: the whole schema true accepts everything an object schema does',
    mode: 'BACKWARD',
    previous: [order],
    candidate: true,
    compatible: true,
  },

  // ---- drafts ----
  {
    rule: 'draft-04: required and maxLength narrowing are found as in later drafts',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_04,
        ...object({ id: { type: 'string', maxLength: 36 } }),
      },
    ],
    candidate: {
      $schema: DRAFT_04,
      ...object(
        { id: { type: 'string', maxLength: 32 } },
        { required: ['id'] },
      ),
    },
    compatible: false,
    messages: [
      "/required: property 'id' became required",
      '/properties/id/maxLength: lowered from 36 to 32',
    ],
  },
  {
    rule: 'draft-06: adding an enum value to a const-only property widens',
    mode: 'FORWARD',
    previous: [{ $schema: DRAFT_06, ...object({ v: { enum: [1, 2] } }) }],
    candidate: { $schema: DRAFT_06, ...object({ v: { const: 1 } }) },
    compatible: true,
  },
  {
    rule: 'a schema may change draft when what it accepts does not change',
    mode: 'FULL',
    previous: [
      {
        $schema: DRAFT_04,
        ...object({
          tags: {
            type: 'array',
            items: [{ type: 'string' }],
            additionalItems: false,
          },
        }),
      },
    ],
    candidate: {
      $schema: DRAFT_2020,
      ...object({
        tags: {
          type: 'array',
          prefixItems: [{ type: 'string' }],
          items: false,
        },
      }),
    },
    compatible: true,
  },
  {
    rule: '2020-12: items after prefixItems governs the rest; narrowing it rejects old arrays',
    mode: 'BACKWARD',
    previous: [
      {
        $schema: DRAFT_2020,
        type: 'array',
        prefixItems: [{ type: 'string' }],
        items: { type: 'number' },
      },
    ],
    candidate: {
      $schema: DRAFT_2020,
      type: 'array',
      prefixItems: [{ type: 'string' }],
      items: { type: 'integer' },
    },
    compatible: false,
    messages: ['/items: type narrowed from number to integer'],
  },

  // ---- Snowplow self-describing schemas ----
  {
    rule: 'Snowplow: adding an optional property to a closed schema (a 1-0-x addition) is backward compatible',
    mode: 'BACKWARD',
    previous: [linkClick('1-0-0')],
    candidate: linkClick('1-0-1', {
      elementContent: { type: 'string', maxLength: 4096 },
    }),
    compatible: true,
  },
  {
    rule: 'Snowplow: old consumers with additionalProperties false reject the new property',
    mode: 'FORWARD',
    previous: [linkClick('1-0-0')],
    candidate: linkClick('1-0-1', {
      elementContent: { type: 'string', maxLength: 4096 },
    }),
    compatible: false,
    messages: [
      '/properties/elementContent: property added, but the old schema does not allow other properties',
    ],
  },
  {
    rule: 'Snowplow: FULL fails because the forward direction fails',
    mode: 'FULL',
    previous: [linkClick('1-0-0')],
    candidate: linkClick('1-0-1', {
      elementContent: { type: 'string', maxLength: 4096 },
    }),
    compatible: false,
    messages: ['/properties/elementContent: property added'],
  },
  {
    rule: 'Snowplow: only `self.version` changed, which is an annotation',
    mode: 'FULL_TRANSITIVE',
    previous: [linkClick('1-0-0'), linkClick('1-0-1')],
    candidate: linkClick('1-0-2'),
    compatible: true,
  },
  {
    rule: 'Snowplow: lowering a maxLength rejects old events with long URLs',
    mode: 'BACKWARD',
    previous: [linkClick('1-0-0')],
    candidate: linkClick(
      '1-0-1',
      {},
      { type: 'string', minLength: 1, maxLength: 2048 },
    ),
    compatible: false,
    messages: ['/properties/targetUrl/maxLength: lowered from 4096 to 2048'],
  },

  // ---- transitive modes ----
  {
    rule: 'BACKWARD_TRANSITIVE: the latest version passes, but version 1 allowed longer names',
    mode: 'BACKWARD_TRANSITIVE',
    previous: [
      object({ name: { type: 'string', maxLength: 300 } }),
      object({ name: { type: 'string', maxLength: 100 } }),
    ],
    candidate: object({ name: { type: 'string', maxLength: 200 } }),
    compatible: false,
    messages: [
      'version 1: /properties/name/maxLength: lowered from 300 to 200',
    ],
  },
  {
    rule: 'BACKWARD (not transitive) only looks at the latest version',
    mode: 'BACKWARD',
    previous: [
      object({ name: { type: 'string', maxLength: 300 } }),
      object({ name: { type: 'string', maxLength: 100 } }),
    ],
    candidate: object({ name: { type: 'string', maxLength: 200 } }),
    compatible: true,
  },
  {
    rule: 'BACKWARD_TRANSITIVE: compatible with every version',
    mode: 'BACKWARD_TRANSITIVE',
    previous: [
      object({ name: { type: 'string', maxLength: 100 } }),
      object({ name: { type: 'string', maxLength: 150 } }),
    ],
    candidate: object({ name: { type: 'string', maxLength: 200 } }),
    compatible: true,
  },
  {
    rule: 'FORWARD_TRANSITIVE: the latest version knows the value, version 1 does not',
    mode: 'FORWARD_TRANSITIVE',
    previous: [
      object({ kind: { enum: ['a'] } }),
      object({ kind: { enum: ['a', 'b'] } }),
    ],
    candidate: object({ kind: { enum: ['a', 'b'] } }),
    compatible: false,
    messages: ["version 1: /properties/kind/enum: value 'b' added"],
  },
  {
    rule: 'FORWARD (not transitive) only looks at the latest version',
    mode: 'FORWARD',
    previous: [
      object({ kind: { enum: ['a'] } }),
      object({ kind: { enum: ['a', 'b'] } }),
    ],
    candidate: object({ kind: { enum: ['a', 'b'] } }),
    compatible: true,
  },
  {
    rule: 'FORWARD_TRANSITIVE: narrowing is forward compatible with every version',
    mode: 'FORWARD_TRANSITIVE',
    previous: [
      object({ n: { type: 'number' } }),
      object({ n: { type: 'number', minimum: 0 } }),
    ],
    candidate: object({ n: { type: 'integer', minimum: 1 } }),
    compatible: true,
  },
  {
    rule: 'FULL_TRANSITIVE: the latest version has the same property, version 1 was closed without it',
    mode: 'FULL_TRANSITIVE',
    previous: [
      object({ id: { type: 'string' } }, { additionalProperties: false }),
      object(
        { id: { type: 'string' }, note: { type: 'string' } },
        { additionalProperties: false },
      ),
    ],
    candidate: object(
      { id: { type: 'string' }, note: { type: 'string' } },
      { additionalProperties: false },
    ),
    compatible: false,
    messages: [
      'version 1: /properties/note: property added, but the old schema does not allow other properties',
    ],
  },
  {
    rule: 'FULL (not transitive) only looks at the latest version',
    mode: 'FULL',
    previous: [
      object({ id: { type: 'string' } }, { additionalProperties: false }),
      object(
        { id: { type: 'string' }, note: { type: 'string' } },
        { additionalProperties: false },
      ),
    ],
    candidate: object(
      { id: { type: 'string' }, note: { type: 'string' } },
      { additionalProperties: false },
    ),
    compatible: true,
  },
  {
    rule: 'FULL_TRANSITIVE: each failing version is named in its messages',
    mode: 'FULL_TRANSITIVE',
    previous: [
      object({ n: { type: 'number' } }),
      object({ n: { type: 'number' } }),
    ],
    candidate: object({ n: { type: 'integer' } }),
    compatible: false,
    messages: [
      'version 1: /properties/n: type narrowed from number to integer',
      'version 2: /properties/n: type narrowed from number to integer',
    ],
  },
];

describe('checkCompatibility for JSON Schema', () => {
  it.each(cases)(
    '$mode: $rule',
    ({ mode, previous, candidate, compatible, messages }) => {
      const result = checkCompatibility({
        format: 'jsonschema',
        mode,
        candidate: JSON.stringify(candidate),
        previous: previous.map(schema => JSON.stringify(schema)),
      });
      // Compatible exactly when there are no messages; each expected
      // substring must be in one of them.
      expect(result.compatible).toBe(compatible);
      expect(result.messages.length === 0).toBe(compatible);
      expect(result.messages).toEqual(
        expect.arrayContaining(
          (messages ?? []).map(message => expect.stringContaining(message)),
        ),
      );
    },
  );

  it('says why every incompatible case fails, and covers every mode', () => {
    expect(cases.filter(c => !c.compatible && !c.messages?.length)).toEqual([]);
    expect(new Set(cases.map(c => c.mode)).size).toBe(7);
  });
});
