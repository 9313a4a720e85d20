import { Type } from 'avsc';
import { CompatibilityMode } from '../types';
import { checkCompatibility } from './checkCompatibility';

/**
 * Each case quotes the Avro 1.11 specification's schema resolution rule it
 * tests. BACKWARD: the new schema (reader) reads data written with the old
 * one (writer); FORWARD: the old schema reads data written with the new one.
 */
type Case = {
  rule: string;
  mode: CompatibilityMode;
  previous: unknown[];
  candidate: unknown;
  compatible: boolean;
  /** Substrings that some message must contain, one message each. */
  messages?: string[];
  /** Why avsc's own resolver decides otherwise, when it does. */
  avscDisagrees?: string;
};

const record = (
  fields: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) => ({
  type: 'record',
  name: 'Event',
  namespace: 'com.acme',
  fields,
  ...extra,
});

const field = (
  name: string,
  type: unknown,
  extra: Record<string, unknown> = {},
) => ({
  name,
  type,
  ...extra,
});

const kind = (symbols: string[], extra: Record<string, unknown> = {}) => ({
  type: 'enum',
  name: 'Kind',
  symbols,
  ...extra,
});

const promotion = (from: string, to: string, compatible: boolean): Case => ({
  rule: compatible
    ? `promotion: "${from} is promotable to ${to}", so old ${from} data reads as ${to}`
    : `promotion: ${from} is not promotable to ${to} (only int->long/float/double, long->float/double, float->double, string<->bytes are)`,
  mode: 'BACKWARD',
  previous: [record([field('value', from)])],
  candidate: record([field('value', to)]),
  compatible,
  ...(compatible
    ? {}
    : {
        messages: [
          `/fields/value: type changed from ${from} to ${to}, which is not a promotion`,
        ],
      }),
});

const cases: Case[] = [
  // ---- modes without a check ----
  {
    rule: 'NONE never checks: a field changed from string to int is accepted',
    mode: 'NONE',
    previous: [record([field('id', 'string')])],
    candidate: record([field('id', 'int')]),
    compatible: true,
    avscDisagrees: 'NONE does not resolve at all',
  },
  {
    rule: 'a first version has nothing to be compatible with',
    mode: 'FULL_TRANSITIVE',
    previous: [],
    candidate: record([field('id', 'string')]),
    compatible: true,
  },
  {
    rule: 'identical schemas: "both schemas are records with the same name", fields resolve one to one',
    mode: 'FULL_TRANSITIVE',
    previous: [
      record([field('id', 'string')]),
      record([field('id', 'string')]),
    ],
    candidate: record([field('id', 'string')]),
    compatible: true,
  },

  // ---- defaults ----
  {
    rule: 'defaults: "the reader should use the default value from its field" for a field the writer lacks',
    mode: 'BACKWARD',
    previous: [record([field('id', 'string')])],
    candidate: record([
      field('id', 'string'),
      field('country', 'string', { default: 'SE' }),
    ]),
    compatible: true,
  },
  {
    rule: 'defaults: "a field with no default value, and writer\'s schema does not have a field with the same name, an error is signalled"',
    mode: 'BACKWARD',
    previous: [record([field('id', 'string')])],
    candidate: record([field('id', 'string'), field('country', 'string')]),
    compatible: false,
    messages: [
      '/fields/country: field added without a default, so data written without it cannot be read',
    ],
  },
  {
    rule: 'defaults: "the writer\'s value for that field is ignored" when the reader lacks the field, so adding one is forward compatible',
    mode: 'FORWARD',
    previous: [record([field('id', 'string')])],
    candidate: record([field('id', 'string'), field('country', 'string')]),
    compatible: true,
  },
  {
    rule: 'defaults: removing a field is backward compatible: the new reader ignores it',
    mode: 'BACKWARD',
    previous: [record([field('id', 'string'), field('legacy', 'string')])],
    candidate: record([field('id', 'string')]),
    compatible: true,
  },
  {
    rule: 'defaults: removing a field the old reader has no default for breaks old readers',
    mode: 'FORWARD',
    previous: [record([field('id', 'string'), field('legacy', 'string')])],
    candidate: record([field('id', 'string')]),
    compatible: false,
    messages: [
      '/fields/legacy: field removed, but the old schema has no default for it, so old readers cannot read new data',
    ],
  },
  {
    rule: 'defaults: removing a field the old reader has a default for is forward compatible',
    mode: 'FORWARD',
    previous: [
      record([
        field('id', 'string'),
        field('legacy', 'string', { default: '' }),
      ]),
    ],
    candidate: record([field('id', 'string')]),
    compatible: true,
  },
  {
    rule: 'defaults: an optional field (null first, default null) added is compatible both ways',
    mode: 'FULL',
    previous: [record([field('id', 'string')])],
    candidate: record([
      field('id', 'string'),
      field('note', ['null', 'string'], { default: null }),
    ]),
    compatible: true,
  },

  // ---- promotions ----
  promotion('int', 'long', true),
  promotion('int', 'float', true),
  promotion('int', 'double', true),
  promotion('long', 'float', true),
  promotion('long', 'double', true),
  promotion('float', 'double', true),
  promotion('string', 'bytes', true),
  promotion('bytes', 'string', true),
  promotion('long', 'int', false),
  promotion('double', 'float', false),
  promotion('double', 'int', false),
  promotion('string', 'int', false),
  promotion('boolean', 'int', false),
  {
    rule: 'promotion runs writer to reader: new long data cannot be read by an old int reader',
    mode: 'FORWARD',
    previous: [record([field('count', 'int')])],
    candidate: record([field('count', 'long')]),
    compatible: false,
    messages: [
      '/fields/count: type changed from int to long, which old readers cannot read as int (not a promotion)',
    ],
  },
  {
    rule: 'FULL: int->long is a promotion backward but not forward',
    mode: 'FULL',
    previous: [record([field('count', 'int')])],
    candidate: record([field('count', 'long')]),
    compatible: false,
    messages: ['/fields/count: type changed from int to long'],
  },
  {
    rule: 'FULL: "string is promotable to bytes; bytes is promotable to string", so both directions resolve',
    mode: 'FULL',
    previous: [record([field('payload', 'string')])],
    candidate: record([field('payload', 'bytes')]),
    compatible: true,
  },

  // ---- aliases ----
  {
    rule: "field aliases: a reader field whose aliases name the writer's field reads it",
    mode: 'BACKWARD',
    previous: [record([field('user_id', 'string')])],
    candidate: record([field('userId', 'string', { aliases: ['user_id'] })]),
    compatible: true,
  },
  {
    rule: 'field aliases: a renamed field without an alias (or default) is a missing field',
    mode: 'BACKWARD',
    previous: [record([field('user_id', 'string')])],
    candidate: record([field('userId', 'string')]),
    compatible: false,
    messages: ['/fields/userId: field added without a default'],
  },
  {
    rule: "field aliases: only the reader's aliases count, so old readers cannot find a renamed field",
    mode: 'FORWARD',
    previous: [record([field('user_id', 'string')])],
    candidate: record([field('userId', 'string', { aliases: ['user_id'] })]),
    compatible: false,
    messages: [
      '/fields/user_id: field removed, but the old schema has no default for it',
    ],
  },
  {
    rule: 'record aliases: "if the writer\'s schema was named Foo and the reader\'s schema is named Bar and has an alias of Foo"',
    mode: 'BACKWARD',
    previous: [record([field('id', 'string')], { name: 'Click' })],
    candidate: record([field('id', 'string')], {
      name: 'LinkClick',
      aliases: ['Click'],
    }),
    compatible: true,
  },
  {
    rule: 'record names: "both schemas are records with the same (unqualified) name" fails without an alias',
    mode: 'BACKWARD',
    previous: [record([field('id', 'string')], { name: 'Click' })],
    candidate: record([field('id', 'string')], { name: 'LinkClick' }),
    compatible: false,
    messages: [
      '/: record name changed from Click to LinkClick without an alias for Click',
    ],
  },
  {
    rule: 'record names: the old reader has no alias for the new name',
    mode: 'FORWARD',
    previous: [record([field('id', 'string')], { name: 'Click' })],
    candidate: record([field('id', 'string')], {
      name: 'LinkClick',
      aliases: ['Click'],
    }),
    compatible: false,
    messages: [
      '/: record name changed from Click to LinkClick, which old readers do not know',
    ],
  },
  {
    rule: 'record names: names are compared unqualified, so a namespace change alone still matches',
    mode: 'FULL',
    previous: [record([field('id', 'string')], { namespace: 'com.acme.v1' })],
    candidate: record([field('id', 'string')], { namespace: 'com.acme.v2' }),
    compatible: true,
    avscDisagrees: 'avsc compares full names unless ignoreNamespaces is set',
  },
  {
    rule: 'nested record aliases: a renamed nested record with an alias for the old name resolves',
    mode: 'BACKWARD',
    previous: [
      record([
        field('user', record([field('id', 'string')], { name: 'User' })),
      ]),
    ],
    candidate: record([
      field(
        'user',
        record([field('id', 'string')], { name: 'Account', aliases: ['User'] }),
      ),
    ]),
    compatible: true,
  },

  // ---- enums ----
  {
    rule: 'enums: a symbol added in the new reader does not affect old data',
    mode: 'BACKWARD',
    previous: [record([field('kind', kind(['SONG', 'PODCAST']))])],
    candidate: record([field('kind', kind(['SONG', 'PODCAST', 'AUDIOBOOK']))]),
    compatible: true,
  },
  {
    rule: 'enums: "if the writer\'s symbol is not present in the reader\'s enum ... an error is signalled": a new symbol breaks old readers',
    mode: 'FORWARD',
    previous: [record([field('kind', kind(['SONG', 'PODCAST']))])],
    candidate: record([field('kind', kind(['SONG', 'PODCAST', 'AUDIOBOOK']))]),
    compatible: false,
    messages: [
      "/fields/kind: enum symbol 'AUDIOBOOK' added, but the old enum has no default, so old readers cannot read it",
    ],
  },
  {
    rule: 'enums: "... and the reader has a default value, then that value is used": an old enum default absorbs new symbols',
    mode: 'FORWARD',
    previous: [
      record([
        field('kind', kind(['UNKNOWN', 'SONG'], { default: 'UNKNOWN' })),
      ]),
    ],
    candidate: record([
      field(
        'kind',
        kind(['UNKNOWN', 'SONG', 'PODCAST'], { default: 'UNKNOWN' }),
      ),
    ]),
    compatible: true,
  },
  {
    rule: 'enums: a removed symbol leaves old data with it unreadable',
    mode: 'BACKWARD',
    previous: [record([field('kind', kind(['SONG', 'PODCAST']))])],
    candidate: record([field('kind', kind(['SONG']))]),
    compatible: false,
    messages: [
      "/fields/kind: enum symbol 'PODCAST' removed and the enum has no default, so old data with 'PODCAST' cannot be read",
    ],
  },
  {
    rule: 'enums: a removed symbol is read as the new enum default',
    mode: 'BACKWARD',
    previous: [record([field('kind', kind(['UNKNOWN', 'SONG', 'PODCAST']))])],
    candidate: record([
      field('kind', kind(['UNKNOWN', 'SONG'], { default: 'UNKNOWN' })),
    ]),
    compatible: true,
  },
  {
    rule: 'enums: "both schemas are enums whose (unqualified) names match" fails for a renamed enum',
    mode: 'BACKWARD',
    previous: [record([field('kind', kind(['SONG']))])],
    candidate: record([field('kind', kind(['SONG'], { name: 'MediaKind' }))]),
    compatible: false,
    messages: [
      '/fields/kind: enum name changed from Kind to MediaKind without an alias for Kind',
    ],
  },

  // ---- unions ----
  {
    rule: "unions: \"if reader's is a union, but writer's is not\", the reader's string branch reads old strings",
    mode: 'BACKWARD',
    previous: [record([field('note', 'string')])],
    candidate: record([field('note', ['null', 'string'], { default: null })]),
    compatible: true,
  },
  {
    rule: 'unions: "if writer\'s is a union, but reader\'s is not", every branch must resolve, and null does not read as string',
    mode: 'FORWARD',
    previous: [record([field('note', 'string')])],
    candidate: record([field('note', ['null', 'string'], { default: null })]),
    compatible: false,
    messages: [
      '/fields/note: type changed from string to null|string, whose null branch old readers cannot read',
    ],
  },
  {
    rule: 'unions: making an optional field required drops the null branch old data may hold',
    mode: 'BACKWARD',
    previous: [record([field('note', ['null', 'string'], { default: null })])],
    candidate: record([field('note', 'string')]),
    compatible: false,
    messages: [
      '/fields/note: type changed from null|string to string, which cannot read the null branch of old data',
    ],
  },
  {
    rule: 'unions: "if both are unions", each writer branch needs a matching reader branch; an added branch is fine backward',
    mode: 'BACKWARD',
    previous: [record([field('id', ['null', 'string'])])],
    candidate: record([field('id', ['null', 'string', 'long'])]),
    compatible: true,
  },
  {
    rule: 'unions: a branch added in the new writer has no match in the old reader',
    mode: 'FORWARD',
    previous: [record([field('id', ['null', 'string'])])],
    candidate: record([field('id', ['null', 'string', 'long'])]),
    compatible: false,
    messages: [
      '/fields/id: union branch long added, which old readers cannot read',
    ],
  },
  {
    rule: 'unions: a branch removed from the reader leaves old data of that branch unreadable',
    mode: 'BACKWARD',
    previous: [record([field('id', ['null', 'string', 'long'])])],
    candidate: record([field('id', ['null', 'string'])]),
    compatible: false,
    messages: [
      '/fields/id: union branch long removed, so old data of that branch cannot be read',
    ],
  },
  {
    rule: 'unions: branches match by promotion too: old int data reads into a long branch',
    mode: 'BACKWARD',
    previous: [record([field('n', ['null', 'int'])])],
    candidate: record([field('n', ['null', 'long'])]),
    compatible: true,
  },
  {
    rule: 'unions: a record branch is resolved field by field, with paths',
    mode: 'BACKWARD',
    previous: [
      record([
        field(
          'user',
          ['null', record([field('id', 'string')], { name: 'User' })],
          { default: null },
        ),
      ]),
    ],
    candidate: record([
      field(
        'user',
        [
          'null',
          record([field('id', 'string'), field('email', 'string')], {
            name: 'User',
          }),
        ],
        { default: null },
      ),
    ]),
    compatible: false,
    messages: ['/fields/user/fields/email: field added without a default'],
  },

  // ---- nested records, arrays, maps ----
  {
    rule: 'nested records: "schemas for fields with the same name in both records are resolved recursively"',
    mode: 'BACKWARD',
    previous: [
      record([field('user', record([field('id', 'long')], { name: 'User' }))]),
    ],
    candidate: record([
      field('user', record([field('id', 'int')], { name: 'User' })),
    ]),
    compatible: false,
    messages: [
      '/fields/user/fields/id: type changed from long to int, which is not a promotion',
    ],
  },
  {
    rule: 'arrays: "both schemas are arrays whose item types match", items promote int to long',
    mode: 'BACKWARD',
    previous: [record([field('ids', { type: 'array', items: 'int' })])],
    candidate: record([field('ids', { type: 'array', items: 'long' })]),
    compatible: true,
  },
  {
    rule: 'arrays: item types resolve recursively, and long does not read as int',
    mode: 'BACKWARD',
    previous: [record([field('ids', { type: 'array', items: 'long' })])],
    candidate: record([field('ids', { type: 'array', items: 'int' })]),
    compatible: false,
    messages: [
      '/fields/ids/items: type changed from long to int, which is not a promotion',
    ],
  },
  {
    rule: 'maps: "both schemas are maps whose value types match", values resolve recursively',
    mode: 'BACKWARD',
    previous: [record([field('scores', { type: 'map', values: 'double' })])],
    candidate: record([field('scores', { type: 'map', values: 'float' })]),
    compatible: false,
    messages: [
      '/fields/scores/values: type changed from double to float, which is not a promotion',
    ],
  },
  {
    rule: 'maps and arrays do not match each other',
    mode: 'BACKWARD',
    previous: [record([field('tags', { type: 'array', items: 'string' })])],
    candidate: record([field('tags', { type: 'map', values: 'string' })]),
    compatible: false,
    messages: [
      '/fields/tags: type changed from array<string> to map<string>, which is not a promotion',
    ],
  },
  {
    rule: 'arrays of records: a field added with a default in the item record is compatible both ways',
    mode: 'FULL',
    previous: [
      record([
        field('tracks', {
          type: 'array',
          items: record([field('id', 'string')], { name: 'Track' }),
        }),
      ]),
    ],
    candidate: record([
      field('tracks', {
        type: 'array',
        items: record(
          [field('id', 'string'), field('ms', 'long', { default: 0 })],
          { name: 'Track' },
        ),
      }),
    ]),
    compatible: true,
  },

  // ---- fixed and other named types ----
  {
    rule: 'fixed: "both schemas are fixed whose sizes and (unqualified) names match" fails when the size changes',
    mode: 'BACKWARD',
    previous: [
      record([field('hash', { type: 'fixed', name: 'Hash', size: 16 })]),
    ],
    candidate: record([
      field('hash', { type: 'fixed', name: 'Hash', size: 32 }),
    ]),
    compatible: false,
    messages: ['/fields/hash: fixed size changed from 16 to 32'],
  },
  {
    rule: 'fixed: a renamed fixed with an alias for the old name resolves',
    mode: 'BACKWARD',
    previous: [
      record([field('hash', { type: 'fixed', name: 'Hash', size: 16 })]),
    ],
    candidate: record([
      field('hash', {
        type: 'fixed',
        name: 'Md5',
        aliases: ['Hash'],
        size: 16,
      }),
    ]),
    compatible: true,
  },
  {
    rule: 'recursive records resolve once per pair of named types',
    mode: 'FULL',
    previous: [
      {
        type: 'record',
        name: 'Node',
        fields: [
          field('value', 'int'),
          field('next', ['null', 'Node'], { default: null }),
        ],
      },
    ],
    candidate: {
      type: 'record',
      name: 'Node',
      fields: [
        field('value', 'int'),
        field('next', ['null', 'Node'], { default: null }),
        field('label', 'string', { default: '' }),
      ],
    },
    compatible: true,
  },
  {
    rule: 'a top-level record cannot be read as a string',
    mode: 'BACKWARD',
    previous: [record([field('id', 'string')])],
    candidate: 'string',
    compatible: false,
    messages: [
      '/: type changed from record Event to string, which is not a promotion',
    ],
  },

  // ---- transitive modes ----
  {
    rule: 'BACKWARD_TRANSITIVE: version 2 has the field, version 1 does not and the new field has no default',
    mode: 'BACKWARD_TRANSITIVE',
    previous: [
      record([field('id', 'string')]),
      record([field('id', 'string'), field('country', 'string')]),
    ],
    candidate: record([field('id', 'string'), field('country', 'string')]),
    compatible: false,
    messages: ['version 1: /fields/country: field added without a default'],
  },
  {
    rule: 'BACKWARD (not transitive) only reads data of the latest version',
    mode: 'BACKWARD',
    previous: [
      record([field('id', 'string')]),
      record([field('id', 'string'), field('country', 'string')]),
    ],
    candidate: record([field('id', 'string'), field('country', 'string')]),
    compatible: true,
  },
  {
    rule: 'BACKWARD_TRANSITIVE: a default makes every version readable',
    mode: 'BACKWARD_TRANSITIVE',
    previous: [
      record([field('id', 'string')]),
      record([
        field('id', 'string'),
        field('country', 'string', { default: 'SE' }),
      ]),
    ],
    candidate: record([
      field('id', 'string'),
      field('country', 'string', { default: 'SE' }),
    ]),
    compatible: true,
  },
  {
    rule: 'FORWARD_TRANSITIVE: version 1 readers need a field the candidate (like version 2) lacks',
    mode: 'FORWARD_TRANSITIVE',
    previous: [
      record([field('id', 'string'), field('legacy', 'string')]),
      record([field('id', 'string')]),
    ],
    candidate: record([field('id', 'string')]),
    compatible: false,
    messages: [
      'version 1: /fields/legacy: field removed, but the old schema has no default for it',
    ],
  },
  {
    rule: "FORWARD (not transitive) only checks the latest version's readers",
    mode: 'FORWARD',
    previous: [
      record([field('id', 'string'), field('legacy', 'string')]),
      record([field('id', 'string')]),
    ],
    candidate: record([field('id', 'string')]),
    compatible: true,
  },
  {
    rule: 'FORWARD_TRANSITIVE: a new field is ignored by every older reader',
    mode: 'FORWARD_TRANSITIVE',
    previous: [
      record([field('id', 'string')]),
      record([field('id', 'string'), field('a', 'int')]),
    ],
    candidate: record([
      field('id', 'string'),
      field('a', 'int'),
      field('b', 'int'),
    ]),
    compatible: true,
  },
  {
    rule: 'FULL_TRANSITIVE: version 2 already had the long, version 1 readers still read int',
    mode: 'FULL_TRANSITIVE',
    previous: [record([field('n', 'int')]), record([field('n', 'long')])],
    candidate: record([field('n', 'long')]),
    compatible: false,
    messages: [
      'version 1: /fields/n: type changed from int to long, which old readers cannot read as int',
    ],
  },
  {
    rule: 'FULL (not transitive) only checks the latest version both ways',
    mode: 'FULL',
    previous: [record([field('n', 'int')]), record([field('n', 'long')])],
    candidate: record([field('n', 'long')]),
    compatible: true,
  },
  {
    rule: 'FULL_TRANSITIVE: optional fields with defaults keep every version readable both ways',
    mode: 'FULL_TRANSITIVE',
    previous: [
      record([field('id', 'string')]),
      record([
        field('id', 'string'),
        field('a', ['null', 'int'], { default: null }),
      ]),
    ],
    candidate: record([
      field('id', 'string'),
      field('a', ['null', 'int'], { default: null }),
      field('b', 'string', { default: '' }),
    ]),
    compatible: true,
  },
];

// The pairs a mode resolves, as [reader, writer].
function resolutions(
  mode: CompatibilityMode,
  previous: unknown[],
  candidate: unknown,
) {
  const compared = mode.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  return compared.flatMap(earlier => [
    ...(mode.startsWith('FORWARD') ? [] : [[candidate, earlier]]),
    ...(mode.startsWith('BACKWARD') ? [] : [[earlier, candidate]]),
  ]);
}

function avscResolves(reader: unknown, writer: unknown): boolean {
  try {
    Type.forSchema(reader as never).createResolver(
      Type.forSchema(writer as never),
    );
    return true;
  } catch {
    return false;
  }
}

describe('checkCompatibility for Avro', () => {
  it.each(cases)(
    '$mode: $rule',
    ({ mode, previous, candidate, compatible, messages }) => {
      const result = checkCompatibility({
        format: 'avro',
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

  it.each(cases.filter(c => !c.avscDisagrees))(
    'agrees with avsc: $mode: $rule',
    ({ mode, previous, candidate, compatible }) => {
      const pairs = resolutions(mode, previous, candidate);
      expect(
        pairs.every(([reader, writer]) => avscResolves(reader, writer)),
      ).toBe(compatible);
    },
  );

  it('says why every incompatible case fails, and covers every mode', () => {
    expect(cases.filter(c => !c.compatible && !c.messages?.length)).toEqual([]);
    expect(new Set(cases.map(c => c.mode)).size).toBe(7);
  });
});
