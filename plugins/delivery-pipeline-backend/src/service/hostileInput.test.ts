import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  PLAYBACK,
  Server,
  startPipeline,
  stopPipelines,
  user,
} from '../__testUtils__/pipelineTestBackend';

jest.setTimeout(300_000);

// Every route of the pipeline (personal data included) and every parameter,
// with what an attacker or a broken client sends. Whatever it is, the answer
// is never a 5xx; where the input is bad, it is a 400 that says why. Run on
// every database: PostgreSQL refuses NUL in text and ids beyond bigint with
// errors that SQLite never raises.

/** Values for a query parameter or path segment, already URL-encoded. */
const HOSTILE_URL_VALUES: Record<string, string> = {
  empty: '',
  huge: 'x'.repeat(8_000),
  negative: '-1',
  nul: 'a%00b',
  'non-UTF-8 escape': '%E0%A4%A',
  'invalid UTF-8 bytes': '%FF%FE',
  'dot segments': '..',
  'encoded slash': 'a%2Fb',
  'big number': '99999999999999999999999999',
  exponent: '1e309',
  'far-away time': '+275760-09-13T00:00:00.000Z',
  'base64 of binary': Buffer.from([0, 255, 254, 1]).toString('base64url'),
};

/** Values for a JSON body field. */
const HOSTILE_JSON_VALUES: Record<string, unknown> = {
  empty: '',
  huge: 'x'.repeat(100_000),
  negative: -1,
  nul: 'a\u0000b',
  array: ['a', 'b'],
  object: { a: 1 },
  boolean: true,
  null: null,
  'big number': 1e308,
  'far-away time': '+275760-09-13T00:00:00.000Z',
};

/** Whole bodies that are not the object a route expects. */
const HOSTILE_BODIES: Record<string, string> = {
  'not JSON': '{"eventType": ',
  array: '[]',
  string: '"text"',
  number: '42',
  null: 'null',
  'NUL in a key': '{"a\\u0000b": 1}',
  huge: `{"x":"${'y'.repeat(100_000)}"}`,
};

type Route = {
  method: 'get' | 'post' | 'delete';
  /** `:param` segments are replaced by hostile values one at a time. */
  path: string;
  query?: string[];
  /** Named body fields, with a valid body to vary one field of. */
  body?: Record<string, unknown>;
  /** Ingest reads its own body. */
  contentType?: string;
};

const VALID = {
  eventType: PLAYBACK,
  start: '2026-11-23T10:00:00.000Z',
  subject: 'user-1',
  name: PLAYBACK,
};

const ROUTES: Route[] = [
  {
    method: 'post',
    path: '/events',
    contentType: 'application/cloudevents+json',
    body: {
      specversion: '1.0',
      id: 'e1',
      source: '/test',
      type: PLAYBACK,
      dataschema: `http://localhost/api/event-schemas/event-types/${PLAYBACK}/versions/1`,
      data: { user_id: 'u1', track_id: 't1' },
    },
  },
  { method: 'get', path: '/health' },
  {
    method: 'get',
    path: '/partitions',
    query: ['state', 'eventType', 'from', 'to', 'limit'],
  },
  { method: 'get', path: '/event-types/health', query: ['from', 'to'] },
  {
    method: 'get',
    path: '/event-types/:name/health',
    query: ['from', 'to'],
  },
  {
    method: 'get',
    path: '/partitions/:eventType/:start/preview',
    query: ['limit'],
  },
  {
    method: 'get',
    path: '/retention/deletions',
    query: ['eventType', 'from', 'to', 'limit', 'cursor'],
  },
  { method: 'get', path: '/datasets' },
  {
    method: 'get',
    path: '/failed-events',
    query: ['eventType', 'from', 'to', 'includeReplayed', 'limit', 'cursor'],
  },
  {
    method: 'post',
    path: '/failed-events/replay',
    body: { eventType: PLAYBACK, from: VALID.start, limit: 10 },
  },
  {
    method: 'delete',
    path: '/data-subjects/:subject',
    query: ['suppress'],
  },
  { method: 'delete', path: '/data-subjects/:subject/suppression' },
  {
    method: 'post',
    path: '/personal-data/decrypt',
    body: { eventType: PLAYBACK, values: ['ps1:k1'], source: 'a file' },
  },
];

type Case = {
  what: string;
  method: Route['method'];
  url: string;
  body?: string;
  contentType?: string;
};

function fillPath(path: string, replace?: { param: string; value: string }) {
  return path.replace(/:(\w+)/g, (_match, param: string) =>
    replace?.param === param
      ? replace.value
      : encodeURIComponent(VALID[param as keyof typeof VALID]),
  );
}

/** Every route with each parameter made hostile in turn. */
function cases(): Case[] {
  const all: Case[] = [];
  for (const route of ROUTES) {
    const base = {
      method: route.method,
      contentType:
        route.contentType ?? (route.body ? 'application/json' : undefined),
    };
    const validBody = route.body ? JSON.stringify(route.body) : undefined;
    const label = `${route.method.toUpperCase()} ${route.path}`;
    for (const param of route.path.match(/:(\w+)/g) ?? []) {
      for (const [name, value] of Object.entries(HOSTILE_URL_VALUES)) {
        all.push({
          ...base,
          what: `${label} ${param} ${name}`,
          url: fillPath(route.path, { param: param.slice(1), value }),
          body: validBody,
        });
      }
    }
    for (const param of route.query ?? []) {
      const url = fillPath(route.path);
      const variants: Record<string, string> = {
        ...Object.fromEntries(
          Object.entries(HOSTILE_URL_VALUES).map(([name, value]) => [
            name,
            `${param}=${value}`,
          ]),
        ),
        array: `${param}=a&${param}=b`,
        object: `${param}[a]=b`,
        'far too long': `${param}=${'x'.repeat(100_000)}`,
      };
      for (const [name, query] of Object.entries(variants)) {
        all.push({
          ...base,
          what: `${label} ?${param} ${name}`,
          url: `${url}?${query}`,
          body: validBody,
        });
      }
    }
    if (route.body) {
      for (const field of Object.keys(route.body)) {
        for (const [name, value] of Object.entries(HOSTILE_JSON_VALUES)) {
          all.push({
            ...base,
            what: `${label} body.${field} ${name}`,
            url: fillPath(route.path),
            body: JSON.stringify({ ...route.body, [field]: value }),
          });
        }
      }
      for (const [name, body] of Object.entries(HOSTILE_BODIES)) {
        all.push({
          ...base,
          what: `${label} body ${name}`,
          url: fillPath(route.path),
          body,
        });
      }
    }
  }
  return all;
}

function contentTypeOf(url: string, body?: string) {
  if (body === undefined) return undefined;
  return url === '/events'
    ? 'application/cloudevents+json'
    : 'application/json';
}

async function send(server: Server, c: Case) {
  let req = request(server)
    [c.method](`/api/delivery-pipeline${c.url}`)
    .set('Authorization', user);
  if (c.contentType) req = req.set('Content-Type', c.contentType);
  return c.body === undefined ? req : req.send(c.body);
}

describe.each(TestDatabases.create().eachSupportedId())(
  'hostile input to the pipeline on %s',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });
    let server: Server;
    beforeAll(async () => {
      ({ server } = await startPipeline({}, [], {
        registry: await databases.init(databaseId as TestDatabaseId),
        pipeline: await databases.init(databaseId as TestDatabaseId),
      }));
    });
    afterAll(stopPipelines);

    it('answers every route and parameter with hostile values without a 5xx', async () => {
      const all = cases();
      const failures: string[] = [];
      for (const c of all) {
        const res = await send(server, c);
        if (res.status >= 500) {
          failures.push(
            `${c.what}: ${res.status} ${JSON.stringify(res.body).slice(
              0,
              300,
            )}`,
          );
        }
      }
      expect(all.length).toBeGreaterThan(400);
      expect(failures).toEqual([]);
    });

    it.each([
      [
        'a malformed dataschema escape',
        'post',
        '/events',
        JSON.stringify({
          specversion: '1.0',
          id: 'e1',
          source: '/test',
          type: PLAYBACK,
          dataschema:
            'http://localhost/api/event-schemas/event-types/%E0%A4%A/versions/1',
          data: {},
        }),
        /malformed percent escape/,
      ],
      [
        'an event type that is a path segment',
        'post',
        '/events',
        JSON.stringify({
          specversion: '1.0',
          id: 'e1',
          source: '/test',
          type: '..',
          data: {},
        }),
        /is not a valid name/,
      ],
      [
        'an overlong cursor',
        'get',
        `/failed-events?cursor=${'9'.repeat(40)}`,
        undefined,
        /cursor' must be the nextCursor/,
      ],
      [
        'a non-numeric cursor',
        'get',
        '/retention/deletions?cursor=abc',
        undefined,
        /cursor' must be the nextCursor/,
      ],
      [
        'a window longer than the maximum',
        'get',
        '/event-types/health?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        undefined,
        /longer than 744 hours.*deliveryPipeline\.api\.maxWindow/,
      ],
      [
        'a window longer than the maximum, for a replay',
        'post',
        '/failed-events/replay',
        JSON.stringify({
          eventType: PLAYBACK,
          from: '2020-01-01T00:00:00Z',
          to: '2026-01-01T00:00:00Z',
        }),
        /longer than 744 hours/,
      ],
      [
        'a limit beyond the maximum',
        'get',
        '/failed-events?limit=1001',
        undefined,
        /'limit' must be a whole number from 1 to 1000/,
      ],
      [
        'an array where a string is expected',
        'get',
        '/failed-events?eventType=a&eventType=b',
        undefined,
        /request\/query\/eventType must be string/,
      ],
      [
        'NUL in a query parameter',
        'get',
        '/retention/deletions?cursor=1%002',
        undefined,
        /'cursor' must not contain the NUL character/,
      ],
      [
        'a time the database cannot hold',
        'get',
        '/failed-events?from=%2B275760-09-13T00:00:00.000Z',
        undefined,
        /'from' must be an ISO 8601 time/,
      ],
      [
        'a non-UTF-8 escape in the path',
        'get',
        '/event-types/%E0%A4%A/health',
        undefined,
        /Failed to decode param/,
      ],
      [
        'NUL in the path',
        'get',
        '/event-types/a%00b/health',
        undefined,
        /event type in the path must be an event type name/,
      ],
    ])(
      'answers 400 with the reason to %s',
      async (_what, method, url, body, message) => {
        const res = await send(server, {
          what: url,
          method: method as Case['method'],
          url,
          body,
          contentType: contentTypeOf(url, body),
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
      },
    );
  },
);
