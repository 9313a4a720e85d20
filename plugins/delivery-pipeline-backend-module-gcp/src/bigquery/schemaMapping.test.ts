import { schemaToBigQuery } from './schemaMapping';
import { BigQueryField, ValueConversion } from './types';

const TAG = 'projects/p/locations/eu/taxonomies/1/policyTags/2';
/** What a personal field's column says it holds. */
const CIPHERTEXT =
  "[personal data] Ciphertext of personal data (pd1:<key id>:<sealed>), whatever the field's type in the schema: encrypted with the key of the event's data subject, unreadable for good once they are erased. Readers with delivery-pipeline.personal-data.read on the event type open it through the delivery pipeline's decrypt API (POST /api/delivery-pipeline/personal-data/decrypt, or PersonalDataDecrypter of delivery-pipeline-node).";
const PSEUDONYM_TEXT =
  "The data subject's pseudonym (ps1:<key id>), not their id: the same for one person in every event type until they are erased, so rows can be counted and joined per person.";

function data(fields: BigQueryField[]): BigQueryField {
  return fields.find(f => f.name === 'data')!;
}

function child(field: BigQueryField, ...path: string[]): BigQueryField {
  return path.reduce((f, name) => {
    const found = f.fields?.find(c => c.name === name);
    if (!found) throw new Error(`No ${name} in ${f.name}`);
    return found;
  }, field);
}

describe('schemaToBigQuery', () => {
  it('puts the CloudEvents envelope and the receive time before data', () => {
    const { fields } = schemaToBigQuery({
      format: 'jsonschema',
      schema: JSON.stringify({
        type: 'object',
        properties: { a: { type: 'string' } },
      }),
    });
    expect(fields.map(f => [f.name, f.type, f.mode])).toEqual([
      ['id', 'STRING', 'REQUIRED'],
      ['source', 'STRING', 'REQUIRED'],
      ['type', 'STRING', 'REQUIRED'],
      ['specversion', 'STRING', 'REQUIRED'],
      ['time', 'TIMESTAMP', 'NULLABLE'],
      ['subject', 'STRING', 'NULLABLE'],
      ['datacontenttype', 'STRING', 'NULLABLE'],
      ['dataschema', 'STRING', 'NULLABLE'],
      ['received_at', 'TIMESTAMP', 'REQUIRED'],
      ['extensions', 'JSON', 'NULLABLE'],
      ['data', 'RECORD', 'NULLABLE'],
    ]);
  });

  describe('JSON Schema', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['user', 'at'],
      properties: {
        user: {
          type: 'object',
          description: 'Who',
          properties: {
            id: { type: 'string' },
            email: { type: 'string', format: 'email' },
            age: { type: 'integer' },
          },
        },
        at: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        score: { type: 'number' },
        premium: { type: 'boolean' },
        kind: { type: 'string', enum: ['a', 'b'] },
        level: { enum: [1, 2, 3] },
        tags: { type: 'array', items: { type: 'string' } },
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sku: { type: 'string' }, qty: { type: 'integer' } },
          },
        },
        note: { type: ['string', 'null'] },
        either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        maybe: { anyOf: [{ type: 'null' }, { type: 'integer' }] },
        loose: { type: ['string', 'integer'] },
        attributes: {
          type: 'object',
          additionalProperties: { type: 'string' },
        },
        matrix: {
          type: 'array',
          items: { type: 'array', items: { type: 'number' } },
        },
        pair: {
          type: 'array',
          prefixItems: [{ type: 'string' }, { type: 'integer' }],
        },
        address: { $ref: '#/$defs/address' },
        tree: { $ref: '#/$defs/node' },
        'user-agent': { type: 'string' },
        '2fa': { type: 'boolean' },
      },
      $defs: {
        address: {
          type: 'object',
          properties: { city: { type: 'string' }, zip: { type: 'string' } },
        },
        node: {
          type: 'object',
          properties: {
            value: { type: 'integer' },
            children: { type: 'array', items: { $ref: '#/$defs/node' } },
          },
        },
      },
    };
    const mapping = schemaToBigQuery({
      format: 'jsonschema',
      schema: JSON.stringify(schema),
      personalDataFields: ['user.email', 'attributes.ip'],
      personalDataPolicyTag: TAG,
    });
    const root = data(mapping.fields);
    const column = (...path: string[]) => child(root, ...path);

    it('maps objects to RECORDs and scalars by type and format', () => {
      expect(root.type).toBe('RECORD');
      expect(column('user')).toMatchObject({
        type: 'RECORD',
        mode: 'NULLABLE',
        description: 'Who',
      });
      expect(column('user', 'age')).toMatchObject({ type: 'INT64' });
      expect(column('at').type).toBe('TIMESTAMP');
      expect(column('day').type).toBe('DATE');
      expect(column('score').type).toBe('FLOAT64');
      expect(column('premium').type).toBe('BOOL');
      expect(column('user', 'email').type).toBe('STRING');
    });

    it('makes every data column NULLABLE, required or not', () => {
      const modes = (f: BigQueryField): string[] => [
        f.mode,
        ...(f.fields ?? []).flatMap(modes),
      ];
      expect(modes(root)).not.toContain('REQUIRED');
      expect(column('at').mode).toBe('NULLABLE');
    });

    it('maps enums to STRING (or the type of their values)', () => {
      expect(column('kind').type).toBe('STRING');
      expect(column('level').type).toBe('INT64');
    });

    it('maps arrays to REPEATED columns, arrays of arrays and tuples to JSON', () => {
      expect(column('tags')).toMatchObject({
        type: 'STRING',
        mode: 'REPEATED',
      });
      expect(column('items')).toMatchObject({
        type: 'RECORD',
        mode: 'REPEATED',
      });
      expect(column('items', 'qty').type).toBe('INT64');
      expect(column('matrix')).toMatchObject({
        type: 'JSON',
        mode: 'NULLABLE',
      });
      expect(column('pair').type).toBe('JSON');
    });

    it('maps a type or null to that type, alternatives and several types to JSON', () => {
      expect(column('note').type).toBe('STRING');
      expect(column('maybe').type).toBe('INT64');
      expect(column('either').type).toBe('JSON');
      expect(column('loose').type).toBe('JSON');
      expect(mapping.notes.join('\n')).toMatch(
        /either: oneOf with 2 alternatives/,
      );
    });

    it('maps maps to JSON, follows $ref and stops at recursion', () => {
      expect(column('attributes').type).toBe('JSON');
      expect(column('address', 'city').type).toBe('STRING');
      expect(column('tree', 'value').type).toBe('INT64');
      expect(column('tree', 'children')).toMatchObject({ type: 'JSON' });
    });

    it('sanitises names BigQuery refuses, stably, and says what they hold', () => {
      const names = root.fields!.map(f => f.name);
      const userAgent = names.find(n => n.startsWith('user_agent_'))!;
      expect(userAgent).toMatch(/^user_agent_[0-9a-f]{6}$/);
      expect(names.find(n => n.startsWith('_2fa_'))).toMatch(
        /^_2fa_[0-9a-f]{6}$/,
      );
      expect(column(userAgent).description).toBe('Field "user-agent".');
      // The same name maps the same way in every version of the schema.
      const again = schemaToBigQuery({
        format: 'jsonschema',
        schema: JSON.stringify({
          type: 'object',
          properties: {
            x: { type: 'string' },
            'user-agent': { type: 'string' },
          },
        }),
      });
      expect(data(again.fields).fields!.map(f => f.name)).toContain(userAgent);
    });

    it('stores personal data as STRING ciphertext, tagged with the policy tag', () => {
      expect(column('user', 'email')).toEqual({
        name: 'email',
        type: 'STRING',
        mode: 'NULLABLE',
        description: CIPHERTEXT,
        policyTags: { names: [TAG] },
      });
      expect(column('user', 'id').policyTags).toBeUndefined();
      // A path into a JSON column (a map) marks the JSON column, which
      // holds the ciphertext strings where the values were.
      expect(column('attributes')).toMatchObject({
        type: 'JSON',
        description: expect.stringMatching(
          /^\[personal data\] Some values inside are personal data, each stored as ciphertext \(pd1:<key id>:<sealed>\)/,
        ),
        policyTags: { names: [TAG] },
      });
      expect(mapping.data).toMatchObject({ kind: 'record' });
    });

    it('marks personal data without a policy tag when none is configured, and says which paths reach no column', () => {
      const plain = schemaToBigQuery({
        format: 'jsonschema',
        schema: JSON.stringify(schema),
        personalDataFields: ['user.email', 'nothing.here', 'items.sku'],
      });
      const email = child(data(plain.fields), 'user', 'email');
      expect(email.description).toBe(CIPHERTEXT);
      expect(email.policyTags).toBeUndefined();
      // `items` is an array: its members are `items[].sku`, as ingest reads
      // the path too.
      expect(child(data(plain.fields), 'items', 'sku').type).toBe('STRING');
      expect(plain.notes).toEqual(
        expect.arrayContaining([
          'personal data field nothing.here is not a column of the table; no column marked',
          'personal data field items.sku is not a column of the table; no column marked',
        ]),
      );
    });

    it('makes the column of every personal path one STRING: records, arrays, numbers, and leaves inside repeated records', () => {
      const personal = schemaToBigQuery({
        format: 'jsonschema',
        schema: JSON.stringify(schema),
        personalDataFields: [
          'user.id',
          'user.age',
          'address',
          'tags',
          'items[].sku',
        ],
        dataSubject: 'user.id',
      });
      const personalColumn = (...path: string[]) =>
        child(data(personal.fields), ...path);

      expect(personalColumn('user', 'id')).toEqual({
        name: 'id',
        type: 'STRING',
        mode: 'NULLABLE',
        description: `[personal data] ${PSEUDONYM_TEXT}`,
      });
      expect(personalColumn('user', 'age')).toEqual({
        name: 'age',
        type: 'STRING',
        mode: 'NULLABLE',
        description: CIPHERTEXT,
      });
      expect(personalColumn('user')).toMatchObject({
        type: 'RECORD',
        description: 'Who',
      });
      expect(personalColumn('address')).toEqual({
        name: 'address',
        type: 'STRING',
        mode: 'NULLABLE',
        description: CIPHERTEXT,
      });
      expect(personalColumn('tags')).toMatchObject({
        type: 'STRING',
        mode: 'NULLABLE',
      });
      expect(personalColumn('items')).toMatchObject({
        type: 'RECORD',
        mode: 'REPEATED',
      });
      expect(personalColumn('items', 'sku')).toMatchObject({
        type: 'STRING',
        mode: 'NULLABLE',
        description: CIPHERTEXT,
      });
      expect(personalColumn('items', 'qty').type).toBe('INT64');

      // The ciphertext strings load as they are.
      const conversion = personal.data as Extract<
        ValueConversion,
        { kind: 'record' }
      >;
      const of = (source: string) =>
        conversion.fields.find(f => f.source === source)!.value;
      expect(of('address')).toEqual({ kind: 'as-is' });
      expect(of('tags')).toEqual({ kind: 'as-is' });
      expect(of('user')).toMatchObject({
        kind: 'record',
        fields: expect.arrayContaining([
          { source: 'age', column: 'age', value: { kind: 'as-is' } },
        ]),
      });
    });

    it('maps the examples/ playback schema', () => {
      const example = schemaToBigQuery({
        format: 'jsonschema',
        schema: JSON.stringify({
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          required: ['user_id', 'track_id'],
          properties: {
            user_id: { type: 'string', description: 'The listener' },
            track_id: { type: 'string' },
            position_ms: { type: 'integer', minimum: 0 },
          },
          additionalProperties: false,
        }),
        personalDataFields: ['user_id'],
        dataSubject: 'user_id',
      });
      expect(data(example.fields).fields).toEqual([
        {
          name: 'user_id',
          type: 'STRING',
          mode: 'NULLABLE',
          description: `[personal data] The listener. ${PSEUDONYM_TEXT}`,
        },
        { name: 'track_id', type: 'STRING', mode: 'NULLABLE' },
        { name: 'position_ms', type: 'INT64', mode: 'NULLABLE' },
      ]);
    });
  });

  describe('Avro', () => {
    const schema = {
      type: 'record',
      name: 'Order',
      namespace: 'com.example',
      doc: 'An order',
      fields: [
        { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
        {
          name: 'customer',
          type: {
            type: 'record',
            name: 'Customer',
            fields: [
              { name: 'name', type: 'string', doc: 'Full name' },
              { name: 'email', type: ['null', 'string'], default: null },
            ],
          },
        },
        { name: 'billing', type: ['null', 'Customer'], default: null },
        {
          name: 'placed',
          type: { type: 'long', logicalType: 'timestamp-millis' },
        },
        {
          name: 'placedMicros',
          type: { type: 'long', logicalType: 'timestamp-micros' },
        },
        {
          name: 'local',
          type: { type: 'long', logicalType: 'local-timestamp-millis' },
        },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'at', type: { type: 'int', logicalType: 'time-millis' } },
        {
          name: 'total',
          type: {
            type: 'bytes',
            logicalType: 'decimal',
            precision: 10,
            scale: 2,
          },
        },
        {
          name: 'huge',
          type: {
            type: 'bytes',
            logicalType: 'decimal',
            precision: 50,
            scale: 20,
          },
        },
        {
          name: 'enormous',
          type: {
            type: 'bytes',
            logicalType: 'decimal',
            precision: 80,
            scale: 40,
          },
        },
        {
          name: 'status',
          type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] },
        },
        { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
        { name: 'blob', type: 'bytes' },
        { name: 'count', type: 'int' },
        { name: 'big', type: 'long' },
        { name: 'ratio', type: 'float' },
        { name: 'ok', type: 'boolean' },
        {
          name: 'lines',
          type: {
            type: 'array',
            items: {
              type: 'record',
              name: 'Line',
              fields: [
                { name: 'sku', type: 'string' },
                { name: 'qty', type: 'int' },
              ],
            },
          },
        },
        { name: 'labels', type: { type: 'map', values: 'string' } },
        { name: 'choice', type: ['null', 'string', 'int'] },
        {
          name: 'maybeTags',
          type: { type: 'array', items: ['null', 'string'] },
        },
        {
          name: 'next',
          type: [
            'null',
            {
              type: 'record',
              name: 'Node',
              fields: [
                { name: 'v', type: 'int' },
                { name: 'next', type: ['null', 'Node'] },
              ],
            },
          ],
        },
      ],
    };
    const mapping = schemaToBigQuery({
      format: 'avro',
      schema: JSON.stringify(schema),
      personalDataFields: ['customer.email'],
      personalDataPolicyTag: TAG,
    });
    const root = data(mapping.fields);
    const column = (...path: string[]) => child(root, ...path);

    it('maps records, named references and nullable unions', () => {
      expect(root.description).toBe("The event's data. An order");
      expect(column('customer', 'name')).toMatchObject({
        type: 'STRING',
        description: 'Full name',
      });
      expect(column('customer', 'email')).toMatchObject({
        type: 'STRING',
        mode: 'NULLABLE',
      });
      expect(column('billing')).toMatchObject({
        type: 'RECORD',
        mode: 'NULLABLE',
      });
      expect(column('billing', 'name').type).toBe('STRING');
    });

    it('maps primitives, enums and fixed', () => {
      expect(column('id').type).toBe('STRING');
      expect(column('count').type).toBe('INT64');
      expect(column('big').type).toBe('INT64');
      expect(column('ratio').type).toBe('FLOAT64');
      expect(column('ok').type).toBe('BOOL');
      expect(column('status').type).toBe('STRING');
      expect(column('hash').type).toBe('BYTES');
      expect(column('blob').type).toBe('BYTES');
    });

    it('maps logical types', () => {
      expect(column('placed').type).toBe('TIMESTAMP');
      expect(column('placedMicros').type).toBe('TIMESTAMP');
      expect(column('local').type).toBe('DATETIME');
      expect(column('day').type).toBe('DATE');
      expect(column('at').type).toBe('TIME');
      expect(column('total').type).toBe('NUMERIC');
      expect(column('huge').type).toBe('BIGNUMERIC');
      expect(column('enormous').type).toBe('STRING');
    });

    it('maps arrays to REPEATED, maps and other unions to JSON, stops at recursion', () => {
      expect(column('lines')).toMatchObject({
        type: 'RECORD',
        mode: 'REPEATED',
      });
      expect(column('lines', 'qty').type).toBe('INT64');
      expect(column('labels').type).toBe('JSON');
      expect(column('choice').type).toBe('JSON');
      expect(column('maybeTags').type).toBe('JSON');
      expect(column('next', 'v').type).toBe('INT64');
      expect(column('next', 'next').type).toBe('JSON');
    });

    it('marks personal data', () => {
      expect(column('customer', 'email')).toMatchObject({
        type: 'STRING',
        description: CIPHERTEXT,
        policyTags: { names: [TAG] },
      });
      expect(column('customer', 'name').policyTags).toBeUndefined();
      // The same named type elsewhere is not personal.
      expect(column('billing', 'email').description).toBeUndefined();
    });

    it('stores a personal record as one STRING column, loaded as is', () => {
      const personal = schemaToBigQuery({
        format: 'avro',
        schema: JSON.stringify(schema),
        personalDataFields: ['billing', 'lines[].qty'],
      });
      const billing = child(data(personal.fields), 'billing');
      expect(billing).toEqual({
        name: 'billing',
        type: 'STRING',
        mode: 'NULLABLE',
        description: CIPHERTEXT,
      });
      expect(child(data(personal.fields), 'lines', 'qty')).toMatchObject({
        type: 'STRING',
        mode: 'NULLABLE',
      });
      const conversion = personal.data as Extract<
        ValueConversion,
        { kind: 'record' }
      >;
      expect(
        conversion.fields.find(f => f.source === 'billing')!.value,
      ).toEqual({ kind: 'as-is' });
    });

    it('maps the examples/ search schema', () => {
      const example = schemaToBigQuery({
        format: 'avro',
        schema: JSON.stringify({
          type: 'record',
          name: 'SearchPerformed',
          namespace: 'com.example.search',
          fields: [
            { name: 'user_id', type: 'string' },
            { name: 'query', type: 'string' },
            { name: 'results', type: 'int', default: 0 },
          ],
        }),
        personalDataFields: ['user_id', 'query'],
        dataSubject: 'user_id',
        personalDataPolicyTag: TAG,
      });
      expect(data(example.fields).fields).toEqual([
        {
          name: 'user_id',
          type: 'STRING',
          mode: 'NULLABLE',
          description: `[personal data] ${PSEUDONYM_TEXT}`,
          policyTags: { names: [TAG] },
        },
        {
          name: 'query',
          type: 'STRING',
          mode: 'NULLABLE',
          description: CIPHERTEXT,
          policyTags: { names: [TAG] },
        },
        { name: 'results', type: 'INT64', mode: 'NULLABLE' },
      ]);
    });
  });
});
