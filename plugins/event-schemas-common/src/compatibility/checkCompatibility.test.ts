import { SchemaError } from '../schema/SchemaError';
import { checkCompatibility } from './checkCompatibility';

const json = (value: unknown) => JSON.stringify(value);

describe('checkCompatibility', () => {
  it('throws the SchemaError of an invalid candidate, whatever the mode', () => {
    expect(() =>
      checkCompatibility({
        format: 'jsonschema',
        mode: 'NONE',
        candidate: '{',
        previous: [],
      }),
    ).toThrow(SchemaError);
    expect(() =>
      checkCompatibility({
        format: 'avro',
        mode: 'BACKWARD',
        candidate: '{"type":"nope"}',
        previous: [],
      }),
    ).toThrow('Invalid Avro schema: unknown type: "nope"');
  });

  it('throws the SchemaError of an invalid earlier version it compares against', () => {
    expect(() =>
      checkCompatibility({
        format: 'jsonschema',
        mode: 'BACKWARD_TRANSITIVE',
        candidate: '{"type":"string"}',
        previous: ['{"type":"strin"}', '{"type":"string"}'],
      }),
    ).toThrow(SchemaError);
  });

  it('reports a message once even when several paths of the check find it', () => {
    const result = checkCompatibility({
      format: 'jsonschema',
      mode: 'BACKWARD',
      previous: [
        json({
          anyOf: [
            { type: 'string', maxLength: 5 },
            { type: 'string', maxLength: 5, minLength: 1 },
          ],
        }),
      ],
      candidate: json({ type: 'string', maxLength: 3 }),
    });
    expect(result).toMatchObject({
      compatible: false,
      messages: ['/maxLength: lowered from 5 to 3'],
    });
  });

  it('gives up on a schema that is an alternative of itself, saying so', () => {
    const result = checkCompatibility({
      format: 'jsonschema',
      mode: 'FORWARD',
      previous: [json({ type: 'string' })],
      candidate: json({ anyOf: [{ $ref: '#' }, { type: 'string' }] }),
    });
    expect(result).toMatchObject({
      compatible: false,
      messages: [
        '/: cannot prove compatibility of a schema that refers to itself without a property or item in between',
      ],
    });
  });

  it('stops combinatorial schemas at the step limit, saying so', () => {
    // 6^7 combinations of the old schema's anyOf groups, each tried against
    // every branch of the new anyOf.
    const group = (tag: string) => ({
      anyOf: Array.from({ length: 6 }, (_, i) => ({
        properties: { [`${tag}${i}`]: { type: 'string', maxLength: i + 1 } },
      })),
    });
    const result = checkCompatibility({
      format: 'jsonschema',
      mode: 'BACKWARD',
      previous: [
        json({ allOf: Array.from({ length: 7 }, (_, i) => group(`g${i}`)) }),
      ],
      candidate: json({
        anyOf: Array.from({ length: 6 }, (_, i) => ({
          properties: { [`h${i}`]: { type: 'integer' } },
        })),
      }),
    });
    expect(result).toMatchObject({
      compatible: false,
      messages: [
        '/: the schemas are too complex to compare (more than 20000 steps)',
      ],
    });
  });

  it('compares a schema with 1000 properties quickly', () => {
    const schema = (maxLength: number) => ({
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        Array.from({ length: 1000 }, (_, i) => [
          `field${i}`,
          {
            type: 'object',
            required: ['a'],
            properties: { a: { type: 'string', maxLength } },
          },
        ]),
      ),
    });
    const started = Date.now();
    const result = checkCompatibility({
      format: 'jsonschema',
      mode: 'FULL',
      previous: [json(schema(10))],
      candidate: json(schema(20)),
    });
    expect(result.messages).toHaveLength(1000);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
