import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  Server,
  startPipeline,
  stopPipelines,
  user,
} from '../__testUtils__/pipelineTestBackend';

jest.setTimeout(120_000);
afterEach(stopPipelines);

/**
 * The schema shapes known to stall validation, each with an event that
 * triggers it. Without the bounds (linear-time patterns, metered
 * validation, capped problems), each one blocks the event loop for seconds
 * (the pattern: about 16 s per event) or exhausts the heap (the unions: 2^40
 * evaluations, as many problems kept), taking the portal and ingest down.
 */
const nested = (depth: number, bottom: unknown = {}) => {
  let value = bottom;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
const recurse = { $ref: '#/$defs/n' };
// Definitions that each reference the next twice: 2^30 subschemas once the
// references are followed, refused; 2^12, accepted, and recursive through
// arrays: 2^12 more evaluations per level of the event.
const chain = (options: { length: number; last: unknown }) => {
  const definitions: Record<string, unknown> = {
    [`d${options.length}`]: options.last,
  };
  for (let i = 0; i < options.length; i++) {
    const next = { $ref: `#/definitions/d${i + 1}` };
    definitions[`d${i}`] = { allOf: [next, next] };
  }
  return { definitions, $ref: '#/definitions/d0' };
};
let nestedArrays: unknown = [];
for (let i = 0; i < 10; i++) nestedArrays = [nestedArrays];
const stalling = [
  {
    name: 'com.example.attack.one-of',
    format: 'jsonschema',
    schema: {
      $defs: {
        n: {
          oneOf: [
            { type: 'object', properties: { a: recurse } },
            { type: 'object', properties: { a: recurse } },
          ],
        },
      },
      ...recurse,
    },
    data: nested(40),
  },
  {
    // Both branches valid: no problems pile up, only work.
    name: 'com.example.attack.all-of',
    format: 'jsonschema',
    schema: {
      $defs: {
        n: {
          type: 'object',
          allOf: [
            { properties: { a: recurse } },
            { properties: { a: recurse } },
          ],
        },
      },
      ...recurse,
    },
    data: nested(40),
  },
  {
    name: 'com.example.attack.definitions',
    format: 'jsonschema',
    schema: chain({
      length: 12,
      last: { type: 'array', items: { $ref: '#/definitions/d0' } },
    }),
    data: nestedArrays,
  },
  {
    name: 'com.example.attack.pattern',
    format: 'jsonschema',
    schema: {
      type: 'object',
      properties: { code: { type: 'string', pattern: '^(\\w|\\d)*!$' } },
    },
    data: { code: '1'.repeat(32) },
  },
  {
    name: 'com.example.attack.problems',
    format: 'jsonschema',
    schema: {
      type: 'array',
      items: {
        type: 'object',
        required: Array.from({ length: 1000 }, (_, i) => `r${i}`),
      },
    },
    data: Array(5000).fill({}),
  },
  {
    // Ajv's own uniqueItems compares every pair of arrays, from the end:
    // 300 million comparisons before it reaches the duplicate in front.
    name: 'com.example.attack.unique-items',
    format: 'jsonschema',
    schema: { type: 'array', uniqueItems: true },
    data: [[-1], [-1], ...Array.from({ length: 25_000 }, (_, i) => [i])],
  },
  {
    name: 'com.example.attack.avro-union',
    format: 'avro',
    schema: {
      type: 'record',
      name: 'A',
      fields: [
        {
          name: 'a',
          type: [
            'null',
            'A',
            {
              type: 'record',
              name: 'B',
              fields: [{ name: 'a', type: ['null', 'A', 'B'] }],
            },
          ],
        },
      ],
    },
    data: nested(40, { a: 'x' }),
  },
];

/** Shapes refused at registration, with why. */
const refused = [
  {
    schema: { type: 'string', pattern: '^(a|aa)+\\1$' },
    reason: 'cannot run in linear time',
  },
  {
    schema: { type: 'string', pattern: '^(?=(a+)+$)' },
    reason: 'cannot run in linear time',
  },
  {
    schema: { type: 'object', examples: [{ $ref: 'http://169.254.169.254/' }] },
    reason: 'points outside this schema',
  },
  {
    schema: chain({ length: 30, last: { type: 'object' } }),
    reason: 'the schema expands to more than 100000 subschemas',
  },
];

const service = mockCredentials.service.header();

function register(
  server: Server,
  type: { name: string; format: string; schema: unknown },
) {
  const { name, format, schema } = type;
  return request(server)
    .post('/api/event-schemas/event-types')
    .set('Authorization', service)
    .send({ name, format, schema, owner: 'group:default/attackers' });
}

/** Probes the health check every 50 ms until stopped; returns latencies. */
function probeHealth(server: Server) {
  const latencies: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const start = performance.now();
      const res = await request(server).get('/api/event-schemas/health');
      latencies.push(performance.now() - start);
      expect(res.status).toBe(200);
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return latencies;
    },
  };
}

describe('schemas that would stall validation', () => {
  it('are refused, or cannot stall the backend through /validate or ingest', async () => {
    const { server } = await startPipeline();
    for (const [index, { schema, reason }] of refused.entries()) {
      const res = await register(server, {
        name: `com.example.refused.r${index}`,
        format: 'jsonschema',
        schema,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(reason);
    }
    for (const type of stalling) {
      const res = await register(server, type);
      expect({ type: type.name, status: res.status }).toEqual({
        type: type.name,
        status: 201,
      });
    }

    const health = probeHealth(server);
    // Two attackers, each sending every shape three times to both doors.
    const attacker = async () => {
      for (let round = 0; round < 3; round++) {
        for (const { name, data } of stalling) {
          const validated = await request(server)
            .post('/api/event-schemas/validate')
            .set('Authorization', user)
            .send({ type: name, data });
          expect(validated.status).toBe(200);
          expect(validated.body.valid).toBe(false);

          const sent = await request(server)
            .post('/api/delivery-pipeline/events')
            .set('Authorization', user)
            .set('Content-Type', 'application/cloudevents+json')
            .send(
              JSON.stringify({
                specversion: '1.0',
                id: `${name}-${round}-${Math.random()}`,
                type: name,
                source: '//attacker',
                data,
              }),
            );
          expect(sent.status).toBe(400);
        }
      }
    };
    const started = performance.now();
    await Promise.all([attacker(), attacker()]);
    const elapsed = performance.now() - started;
    const latencies = await health.stop();

    expect(latencies.length).toBeGreaterThan(0);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    // 72 requests, each cut short: seconds, not hours.
    expect(elapsed).toBeLessThan(30_000);
    const after = await request(server).get('/api/event-schemas/health');
    expect(after.status).toBe(200);
    const pipelineHealth = await request(server).get(
      '/api/delivery-pipeline/health',
    );
    expect(pipelineHealth.status).toBe(200);
  });

  it('says why validation stopped', async () => {
    const { server } = await startPipeline();
    const [oneOf] = stalling;
    await register(server, oneOf);
    const res = await request(server)
      .post('/api/event-schemas/validate')
      .set('Authorization', user)
      .send({ type: oneOf.name, data: oneOf.data });
    expect(res.body).toEqual({
      valid: false,
      errors: [expect.stringMatching(/^Validation stopped/)],
      version: 1,
    });
    const sent = await request(server)
      .post('/api/delivery-pipeline/events')
      .set('Authorization', user)
      .set('Content-Type', 'application/cloudevents+json')
      .send(
        JSON.stringify({
          specversion: '1.0',
          id: 'e1',
          type: oneOf.name,
          source: '//attacker',
          data: oneOf.data,
        }),
      );
    expect(sent.status).toBe(400);
    expect(sent.body.error.message).toContain('Validation stopped');
  });
});
