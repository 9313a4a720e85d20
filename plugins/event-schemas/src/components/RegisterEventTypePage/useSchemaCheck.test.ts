import { checkSchema } from './useSchemaCheck';

describe('checkSchema', () => {
  it('leaves references to registered versions to the registry, and lists the other fields', () => {
    const result = checkSchema({
      format: 'jsonschema',
      schema: JSON.stringify({
        type: 'object',
        properties: {
          track: {
            $ref: 'http://localhost:7007/api/event-schemas/event-types/com.example.track/versions/1',
          },
          played_ms: { type: 'integer' },
        },
      }),
    });
    expect(result.valid).toBe(true);
    expect(result.valid && result.fields.map(f => f.path)).toEqual(
      expect.arrayContaining(['track', 'played_ms']),
    );
  });

  it('leaves an Avro reference to the registry too, and lists the fields', () => {
    const result = checkSchema({
      format: 'avro',
      schema: JSON.stringify({
        type: 'record',
        name: 'com.example.Played',
        fields: [
          {
            name: 'track',
            type: 'http://localhost:7007/api/event-schemas/event-types/com.example.track/versions/1',
          },
          { name: 'played_ms', type: 'long' },
        ],
      }),
    });
    expect(result.valid).toBe(true);
    expect(result.valid && result.fields.map(f => f.path)).toEqual([
      'track',
      'played_ms',
    ]);
  });

  it('still refuses other references outside the schema', () => {
    const result = checkSchema({
      format: 'jsonschema',
      schema: JSON.stringify({ $ref: 'https://example.com/user.json' }),
    });
    expect(result).toMatchObject({
      valid: false,
      message: expect.stringContaining('points outside this schema'),
    });
  });
});
