import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { parseEventTypeFile, resolveSchemaFilePath } from '../eventTypeFile';
import { listFields } from '../schema/listFields';
import { contractToEventType } from './contractToEventType';
import { eventTypeToContract } from './eventTypeToContract';
import { DataContract, EventTypeContractInput } from './types';

const odcsSchema = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '__fixtures__/odcs-json-schema-v3.1.0.json'),
    'utf8',
  ),
);
const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);
const validateOdcs = ajv.compile(odcsSchema);

function expectValid(contract: DataContract) {
  const valid = validateOdcs(JSON.parse(JSON.stringify(contract)));
  expect(validateOdcs.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

const examplesDir = path.resolve(__dirname, '../../../../examples/event-types');

/** An example event type file, its schema file read beside it. */
function exampleInput(file: string): EventTypeContractInput {
  const { definition, schemaFile } = parseEventTypeFile({
    path: file,
    text: fs.readFileSync(path.join(examplesDir, file), 'utf8'),
  });
  const { schema, ...eventType } = definition;
  return {
    eventType,
    schema:
      schema ??
      fs.readFileSync(
        path.join(examplesDir, resolveSchemaFilePath(file, schemaFile!)),
        'utf8',
      ),
  };
}

const metadata = {
  name: 'com.example.edge',
  owner: 'group:default/playback',
  lifecycle: 'production',
  format: 'jsonschema' as const,
};

describe('eventTypeToContract', () => {
  it('is checked by a validator that refuses what ODCS does not allow', () => {
    expect(
      validateOdcs({
        apiVersion: 'v3.1.0',
        kind: 'DataContract',
        id: 'x',
        version: '1',
        status: 'active',
        schema: [{ name: 'x', properties: [{ logicalType: 'text' }] }],
      }),
    ).toBe(false);
  });

  it('writes a valid contract for the JSON Schema demo type', () => {
    const input = exampleInput('com.example.playback.started.yaml');
    const contract = eventTypeToContract({
      ...input,
      version: 2,
      delivery: {
        partitionWidth: 'PT1H',
        storage: { type: 'gcs', bucket: 'events', prefix: 'pipeline/' },
        bigQuery: {
          project: 'acme',
          dataset: 'events',
          table: 'com_example_playback_started',
        },
      },
    });
    expectValid(contract);
    expect(contract).toMatchObject({
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: 'com.example.playback.started',
      version: '2',
      status: 'active',
      team: { name: 'group:default/playback' },
      tags: ['playback'],
      slaProperties: [
        { property: 'latency', value: 2, unit: 'h' },
        { property: 'retention', value: 400, unit: 'd' },
        { property: 'frequency', value: 1, unit: 'h' },
      ],
      servers: [
        {
          server: 'delivered',
          type: 'custom',
          location:
            'gs://events/pipeline/delivered/com.example.playback.started/',
        },
        {
          server: 'warehouse',
          type: 'bigquery',
          project: 'acme',
          dataset: 'events',
        },
      ],
    });
    expect(contract.schema).toHaveLength(1);
    expect(contract.schema[0]).toMatchObject({
      name: 'com.example.playback.started',
      physicalName: 'com_example_playback_started',
      businessName: 'Playback started',
    });
    expect(contract.schema[0].properties).toEqual([
      {
        name: 'user_id',
        logicalType: 'string',
        physicalType: 'string',
        description: 'The listener',
        required: true,
        classification: 'personal-data',
        customProperties: [{ property: 'dataSubject', value: true }],
      },
      {
        name: 'track_id',
        logicalType: 'string',
        physicalType: 'string',
        required: true,
      },
      {
        name: 'position_ms',
        logicalType: 'integer',
        physicalType: 'integer',
        required: false,
      },
      {
        name: 'source',
        logicalType: 'string',
        physicalType: 'string',
        required: false,
        description: 'Where playback was started from',
      },
    ]);
  });

  it('writes a valid contract for the Avro demo type, without facts it lacks', () => {
    const contract = eventTypeToContract({
      ...exampleInput('com.example.search.performed.yaml'),
      delivery: {
        storage: { type: 'local', directory: '/var/data/storage/' },
      },
    });
    expectValid(contract);
    expect(contract.version).toBe('draft');
    expect(contract.status).toBe('draft');
    expect(contract.slaProperties).toBeUndefined();
    expect(contract.servers).toEqual([
      expect.objectContaining({
        type: 'local',
        path: '/var/data/storage/delivered/com.example.search.performed/',
        format: 'json',
      }),
    ]);
    expect(
      contract.schema[0].properties.map(p => [
        p.name,
        p.logicalType,
        p.physicalType,
        p.classification,
      ]),
    ).toEqual([
      ['user_id', 'string', 'string', 'personal-data'],
      ['query', 'string', 'string', 'personal-data'],
      ['results', 'integer', 'int', undefined],
    ]);
  });

  it('nests objects, arrays, nullable unions and enums, and validates', () => {
    const schema = {
      type: 'object',
      required: ['user', 'tracks'],
      properties: {
        user: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'string' },
            email: { type: ['string', 'null'] },
            address: {
              type: 'object',
              properties: { city: { type: 'string' } },
            },
          },
        },
        tracks: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id'],
            properties: {
              id: { type: 'string' },
              ratings: { type: 'array', items: { type: 'number' } },
            },
          },
        },
        matrix: {
          type: 'array',
          items: { type: 'array', items: { type: 'integer' } },
        },
        kind: { enum: ['a', 'b'] },
        mixed: { type: ['string', 'integer'] },
        anything: {},
      },
    };
    const contract = eventTypeToContract({
      eventType: {
        ...metadata,
        personalDataFields: ['user.id', 'user.email', 'tracks[].id'],
        dataSubject: 'user.id',
        sla: { maxLateness: 'PT90M' },
        retention: { raw: 'P7D', delivered: 'P1Y' },
      },
      schema: JSON.stringify(schema),
      version: 1,
      delivery: { partitionWidth: 'PT10S' },
    });
    expectValid(contract);
    const [user, tracks, matrix, kind, mixed, anything] =
      contract.schema[0].properties;
    expect(user).toMatchObject({
      name: 'user',
      logicalType: 'object',
      required: true,
      properties: [
        {
          name: 'id',
          logicalType: 'string',
          required: true,
          classification: 'personal-data',
          customProperties: [{ property: 'dataSubject', value: true }],
        },
        {
          name: 'email',
          logicalType: 'string',
          physicalType: 'string|null',
          required: false,
          classification: 'personal-data',
        },
        {
          name: 'address',
          logicalType: 'object',
          properties: [{ name: 'city', logicalType: 'string' }],
        },
      ],
    });
    expect(tracks).toMatchObject({
      logicalType: 'array',
      items: {
        logicalType: 'object',
        properties: [
          { name: 'id', required: true, classification: 'personal-data' },
          {
            name: 'ratings',
            logicalType: 'array',
            items: { logicalType: 'number' },
          },
        ],
      },
    });
    expect(matrix).toMatchObject({
      logicalType: 'array',
      items: { logicalType: 'array', items: { logicalType: 'integer' } },
    });
    expect(kind).toMatchObject({ name: 'kind', logicalType: 'string' });
    expect(mixed.logicalType).toBeUndefined();
    expect(anything.logicalType).toBeUndefined();
    expect(contract.slaProperties).toEqual([
      expect.objectContaining({ property: 'latency', value: 90, unit: 'm' }),
      expect.objectContaining({ property: 'retention', value: 1, unit: 'y' }),
      expect.objectContaining({ property: 'frequency', value: 10, unit: 's' }),
    ]);
    expect(contract.customProperties).toContainEqual({
      property: 'rawRetention',
      value: 'P7D',
    });
  });

  it('maps Avro records, arrays, maps, enums, logical types and nullable unions', () => {
    const schema = {
      type: 'record',
      name: 'Played',
      fields: [
        {
          name: 'user',
          type: {
            type: 'record',
            name: 'User',
            fields: [
              { name: 'id', type: 'string' },
              { name: 'email', type: ['null', 'string'], default: null },
            ],
          },
        },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        {
          name: 'source',
          type: { type: 'enum', name: 'Source', symbols: ['A', 'B'] },
        },
        {
          name: 'tracks',
          type: {
            type: 'array',
            items: {
              type: 'record',
              name: 'Track',
              fields: [{ name: 'id', type: 'string' }],
            },
          },
        },
        { name: 'attributes', type: { type: 'map', values: 'string' } },
        { name: 'score', type: ['null', 'double'], default: null },
      ],
    };
    const contract = eventTypeToContract({
      eventType: {
        ...metadata,
        format: 'avro',
        lifecycle: 'deprecated',
        personalDataFields: ['user.email'],
      },
      schema: JSON.stringify(schema),
      version: 3,
    });
    expectValid(contract);
    expect(contract.status).toBe('deprecated');
    expect(
      contract.schema[0].properties.map(p => [
        p.name,
        p.logicalType,
        p.required,
      ]),
    ).toEqual([
      ['user', 'object', true],
      ['at', 'timestamp', true],
      ['day', 'date', true],
      ['source', 'string', true],
      ['tracks', 'array', true],
      ['attributes', 'object', true],
      ['score', 'number', false],
    ]);
    expect(contract.schema[0].properties[0].properties?.[1]).toMatchObject({
      name: 'email',
      logicalType: 'string',
      required: false,
      classification: 'personal-data',
    });
    expect(contract.schema[0].properties[4].items).toMatchObject({
      logicalType: 'object',
      properties: [{ name: 'id', logicalType: 'string' }],
    });
  });

  it('throws for an invalid schema', () => {
    expect(() =>
      eventTypeToContract({ eventType: metadata, schema: '{not json' }),
    ).toThrow(/JSON/);
  });
});

describe('contractToEventType', () => {
  const fieldsOf = (format: 'jsonschema' | 'avro', schema: string) =>
    listFields({ format, schema }).map(field => ({
      path: field.path,
      required: field.required,
    }));

  it.each([
    'com.example.playback.started.yaml',
    'com.example.search.performed.yaml',
  ])(
    'round-trips %s: contract → event type → contract keeps the fields',
    file => {
      const input = exampleInput(file);
      const contract = eventTypeToContract({ ...input, version: 1 });
      const eventType = contractToEventType(contract);
      expect(eventType).toMatchObject({
        name: input.eventType.name,
        title: input.eventType.title,
        description: input.eventType.description,
        owner: input.eventType.owner,
        lifecycle: input.eventType.lifecycle,
        tags: input.eventType.tags,
        compatibility: input.eventType.compatibility,
        personalDataFields: input.eventType.personalDataFields,
        dataSubject: input.eventType.dataSubject,
        format: 'jsonschema',
      });
      expect(eventType.retention).toEqual(input.eventType.retention);
      expect(eventType.sla).toEqual(input.eventType.sla);
      expect(fieldsOf('jsonschema', eventType.schema)).toEqual(
        fieldsOf(input.eventType.format, input.schema),
      );
      const again = eventTypeToContract({
        eventType,
        schema: eventType.schema,
        version: 1,
      });
      expectValid(again);
      expect(again.schema[0].properties).toEqual(
        contract.schema[0].properties.map(p => ({
          ...p,
          // The JSON Schema names JSON types: int becomes integer.
          physicalType: again.schema[0].properties.find(q => q.name === p.name)
            ?.physicalType,
        })),
      );
    },
  );

  it('builds a JSON Schema with nested objects, arrays and formats', () => {
    const eventType = contractToEventType({
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: 'orders',
      name: 'com.example.order.placed',
      version: '1.0.0',
      status: 'active',
      team: { name: 'group:default/orders' },
      slaProperties: [
        { property: 'latency', value: 4, unit: 'hours' },
        { property: 'retention', value: 'P6M' },
        { property: 'frequency', value: 1, unit: 'd' },
      ],
      schema: [
        {
          name: 'orders',
          properties: [
            {
              name: 'order_id',
              logicalType: 'string',
              required: true,
              logicalTypeOptions: { format: 'uuid' },
            },
            { name: 'placed_at', logicalType: 'timestamp' },
            {
              name: 'amount',
              logicalType: 'number',
              logicalTypeOptions: { minimum: 0 },
            },
            {
              name: 'customer',
              logicalType: 'object',
              properties: [
                {
                  name: 'id',
                  logicalType: 'string',
                  required: true,
                  classification: 'PII',
                  customProperties: [{ property: 'dataSubject', value: true }],
                },
              ],
            },
            {
              name: 'lines',
              logicalType: 'array',
              items: {
                logicalType: 'object',
                properties: [
                  {
                    name: 'sku',
                    logicalType: 'string',
                    classification: 'personal',
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(eventType).toMatchObject({
      name: 'com.example.order.placed',
      owner: 'group:default/orders',
      lifecycle: 'production',
      sla: { maxLateness: 'PT4H' },
      retention: { delivered: 'P6M' },
      personalDataFields: ['customer.id', 'lines[].sku'],
      dataSubject: 'customer.id',
    });
    expect(JSON.parse(eventType.schema)).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['order_id'],
      properties: {
        order_id: { type: 'string', format: 'uuid' },
        placed_at: { type: 'string', format: 'date-time' },
        amount: { type: 'number', minimum: 0 },
        customer: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string' } },
        },
        lines: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sku: { type: 'string' } },
          },
        },
      },
    });
  });

  const valid = {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'x',
    name: 'com.example.x',
    version: '1',
    status: 'active',
    team: { name: 'group:default/x' },
    schema: [{ name: 'x', properties: [{ name: 'a', logicalType: 'string' }] }],
  };

  it.each([
    ['not an object', [], /The contract must be an object/],
    [
      'another kind',
      { ...valid, kind: 'DataProduct' },
      /kind must be DataContract/,
    ],
    [
      'ODCS v2',
      { ...valid, apiVersion: 'v2.2.2' },
      /apiVersion must be an ODCS v3/,
    ],
    ['no schema', { ...valid, schema: [] }, /no schema/],
    [
      'two schema objects',
      { ...valid, schema: [valid.schema[0], valid.schema[0]] },
      /one contract per event type/,
    ],
    ['no team', { ...valid, team: undefined }, /no team.name/],
    [
      'a team as a list',
      { ...valid, team: [{ username: 'x' }] },
      /list of members/,
    ],
    [
      'no name',
      { ...valid, name: undefined, id: undefined },
      /neither name nor id/,
    ],
    [
      'an unknown logical type',
      {
        ...valid,
        schema: [
          { name: 'x', properties: [{ name: 'a', logicalType: 'uuid' }] },
        ],
      },
      /logicalType "uuid" is not one of/,
    ],
    [
      'a nameless property',
      {
        ...valid,
        schema: [{ name: 'x', properties: [{ logicalType: 'string' }] }],
      },
      /properties\[0\] has no name/,
    ],
    [
      'duplicate names',
      {
        ...valid,
        schema: [{ name: 'x', properties: [{ name: 'a' }, { name: 'a' }] }],
      },
      /second property named 'a'/,
    ],
    [
      'a latency without unit',
      { ...valid, slaProperties: [{ property: 'latency', value: 4 }] },
      /latency.*unit/,
    ],
    [
      'a bad compatibility',
      {
        ...valid,
        customProperties: [{ property: 'compatibility', value: 'SOME' }],
      },
      /compatibility' must be one of/,
    ],
  ])('refuses %s', (_what, contract, message) => {
    expect(() => contractToEventType(contract)).toThrow(message);
  });

  it('refuses a contract nested deeper than it reads', () => {
    let property: Record<string, unknown> = {
      name: 'leaf',
      logicalType: 'string',
    };
    for (let i = 0; i < 40; i++) {
      property = {
        name: `p${i}`,
        logicalType: 'object',
        properties: [property],
      };
    }
    expect(() =>
      contractToEventType({
        ...valid,
        schema: [{ name: 'x', properties: [property] }],
      }),
    ).toThrow(/nested deeper than 32 levels/);
  });
});
