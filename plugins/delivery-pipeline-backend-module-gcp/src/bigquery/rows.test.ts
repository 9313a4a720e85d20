import { schemaToBigQuery } from './schemaMapping';
import { decimalText, timestampText, toRow } from './rows';

const line = (event: Record<string, unknown>) =>
  JSON.stringify({
    specversion: '1.0',
    id: 'e1',
    source: '/player',
    type: 't',
    receivedAt: '2026-11-23T10:15:00.123Z',
    ...event,
  });

describe('toRow', () => {
  it('puts the envelope in its columns, receivedAt in received_at, extensions together', () => {
    const { data } = schemaToBigQuery({
      format: 'jsonschema',
      schema: JSON.stringify({
        type: 'object',
        properties: { a: { type: 'string' } },
      }),
    });
    expect(
      toRow(
        line({
          time: '2026-11-23T10:14:59.123456789+02:00',
          subject: 's',
          traceparent: '00-abc',
          partitionkey: 'k',
          data: { a: 'x', unknown: 1 },
        }),
        data,
      ),
    ).toEqual({
      specversion: '1.0',
      id: 'e1',
      source: '/player',
      type: 't',
      received_at: '2026-11-23T10:15:00.123Z',
      time: '2026-11-23T10:14:59.123456+02:00',
      subject: 's',
      extensions: { traceparent: '00-abc', partitionkey: 'k' },
      data: { a: 'x' },
    });
  });

  it('loads personal data as the strings ingest stored, whatever the schema types', () => {
    const { data } = schemaToBigQuery({
      format: 'jsonschema',
      schema: JSON.stringify({
        type: 'object',
        properties: {
          user_id: { type: 'string' },
          born: { type: 'string', format: 'date-time' },
          location: {
            type: 'object',
            properties: { lat: { type: 'number' }, lon: { type: 'number' } },
          },
          tags: { type: 'array', items: { type: 'integer' } },
          contacts: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                email: { type: 'string' },
                since: { type: 'string', format: 'date-time' },
              },
            },
          },
        },
      }),
      personalDataFields: [
        'user_id',
        'born',
        'location',
        'tags',
        'contacts[].email',
      ],
      dataSubject: 'user_id',
    });
    const key = 'Zm9vYmFyYmF6cXV4cXV1eA';
    const sealed = (n: number) => `pd1:${key}:c2VhbGVk${n}`;
    const stored = {
      user_id: `ps1:${key}`,
      born: sealed(1),
      location: sealed(2),
      tags: sealed(3),
      contacts: [
        { email: sealed(4), since: '2026-01-01T00:00:00.123456789Z' },
        { since: '2026-01-02T00:00:00Z' },
      ],
    };

    expect(toRow(line({ data: stored }), data).data).toEqual({
      ...stored,
      contacts: [
        // Not personal: converted as before.
        { email: sealed(4), since: '2026-01-01T00:00:00.123456Z' },
        { since: '2026-01-02T00:00:00Z' },
      ],
    });
  });

  it('converts nothing of a personal value, even where the Avro type would be', () => {
    const { data } = schemaToBigQuery({
      format: 'avro',
      schema: JSON.stringify({
        type: 'record',
        name: 'Payment',
        fields: [
          { name: 'user_id', type: 'string' },
          { name: 'photo', type: 'bytes' },
          {
            name: 'amount',
            type: {
              type: 'bytes',
              logicalType: 'decimal',
              precision: 9,
              scale: 2,
            },
          },
          { name: 'card', type: 'bytes' },
        ],
      }),
      personalDataFields: ['user_id', 'photo', 'amount'],
      dataSubject: 'user_id',
    });
    const key = 'Zm9vYmFyYmF6cXV4cXV1eA';
    const stored = {
      user_id: `ps1:${key}`,
      photo: `pd1:${key}:cGhvdG8`,
      amount: `pd1:${key}:YW1vdW50`,
      card: 'ab',
    };

    expect(toRow(line({ data: stored }), data).data).toEqual({
      ...stored,
      // Not personal: bytes as base64, as before.
      card: 'YWI=',
    });
  });

  it('renames sanitised fields, converts date-times, keeps big integers exact', () => {
    const { data } = schemaToBigQuery({
      format: 'jsonschema',
      schema: JSON.stringify({
        type: 'object',
        properties: {
          'user-agent': { type: 'string' },
          at: { type: 'string', format: 'date-time' },
          n: { type: 'integer' },
          items: {
            type: 'array',
            items: {
              type: 'object',
              properties: { 'a.b': { type: 'integer' } },
            },
          },
          free: { type: 'object' },
        },
      }),
    });
    const row = toRow(
      line({
        data: {
          'user-agent': 'ua',
          at: '2026-12-31T23:59:60.5z',
          n: 'BIG_N',
          items: [{ 'a.b': 1 }],
          free: { x: [1, 2], big: 'BIG_FREE' },
          dropped: null,
        },
      })
        // Digits JavaScript numbers cannot hold, as a producer may send them.
        .replace('"BIG_N"', '12345678901234567891')
        .replace('"BIG_FREE"', '98765432109876543210'),
      data,
    );
    const text = JSON.stringify(row);
    expect(text).toMatch(/"user_agent_[0-9a-f]{6}":"ua"/);
    expect(text).toContain('"at":"2026-12-31T23:59:59.999999Z"');
    expect(text).toContain('"n":12345678901234567891');
    expect(text).toMatch(/"items":\[\{"a_b_[0-9a-f]{6}":1\}\]/);
    expect(text).toContain('"free":{"x":[1,2],"big":98765432109876543210}');
  });

  it('converts Avro logical types and bytes to what BigQuery loads', () => {
    const { data } = schemaToBigQuery({
      format: 'avro',
      schema: JSON.stringify({
        type: 'record',
        name: 'R',
        fields: [
          {
            name: 'ts',
            type: { type: 'long', logicalType: 'timestamp-millis' },
          },
          {
            name: 'us',
            type: { type: 'long', logicalType: 'timestamp-micros' },
          },
          {
            name: 'local',
            type: { type: 'long', logicalType: 'local-timestamp-micros' },
          },
          { name: 'day', type: { type: 'int', logicalType: 'date' } },
          { name: 'tod', type: { type: 'int', logicalType: 'time-millis' } },
          {
            name: 'price',
            type: {
              type: 'bytes',
              logicalType: 'decimal',
              precision: 9,
              scale: 2,
            },
          },
          { name: 'raw', type: 'bytes' },
          { name: 'maybe', type: ['null', 'string'] },
          {
            name: 'lines',
            type: {
              type: 'array',
              items: { type: 'long', logicalType: 'timestamp-millis' },
            },
          },
        ],
      }),
    });
    expect(
      toRow(
        line({
          data: {
            ts: 1795428000123,
            us: 1795428000123456,
            local: 1795428000123456,
            day: 20415,
            tod: 37230500,
            price: '\u0000\u0030\u0039', // 12345 → 123.45
            raw: '\u00ff\u0000a',
            maybe: null,
            lines: [0],
          },
        }),
        data,
      ).data,
    ).toEqual({
      ts: '2026-11-23T10:00:00.123000Z',
      us: '2026-11-23T10:00:00.123456Z',
      local: '2026-11-23T10:00:00.123456',
      day: '2025-11-23',
      tod: '10:20:30.500000',
      price: '123.45',
      raw: Buffer.from([0xff, 0, 0x61]).toString('base64'),
      lines: ['1970-01-01T00:00:00.000000Z'],
    });
  });
});

describe('timestampText', () => {
  it('cuts fractions to microseconds and reads a leap second as its last microsecond', () => {
    expect(timestampText('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
    expect(timestampText('2026-01-01t00:00:00.1234567z')).toBe(
      '2026-01-01T00:00:00.123456Z',
    );
    expect(timestampText('2016-12-31T23:59:60Z')).toBe(
      '2016-12-31T23:59:59.999999Z',
    );
    expect(timestampText('not a time')).toBe('not a time');
  });
});

describe('decimalText', () => {
  it('reads big-endian two’s complement with a scale', () => {
    expect(decimalText(Buffer.from([0x30, 0x39]), 2)).toBe('123.45');
    expect(decimalText(Buffer.from([0xcf, 0xc7]), 2)).toBe('-123.45');
    expect(decimalText(Buffer.from([0x05]), 3)).toBe('0.005');
    expect(decimalText(Buffer.from([0x05]), 0)).toBe('5');
  });
});
