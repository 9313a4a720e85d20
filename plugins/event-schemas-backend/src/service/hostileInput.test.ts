import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { eventSchemasPlugin } from '../plugin';

jest.setTimeout(300_000);

// Every route of the registry and every parameter, with what an attacker or
// a broken client sends. Whatever it is, the answer is never a 5xx; where
// the input is bad, it is a 400 that says why. The caller is allowed
// everything, so that requests reach the parsers (who may do what is tested
// in plugin.test.ts). On every database: PostgreSQL refuses NUL in text and
// integers beyond its columns with errors that SQLite never raises.

const NAME = 'com.example.playback.started';

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
  'object with NUL': { 'a\u0000': 'b\u0000' },
  boolean: true,
  null: null,
  'big number': 1e308,
  'big integer': 99_999_999_999,
};

/** Whole bodies that are not the object a route expects. */
const HOSTILE_BODIES: Record<string, string> = {
  'not JSON': '{"name": ',
  array: '[]',
  string: '"text"',
  number: '42',
  null: 'null',
  'NUL in a key': '{"a\\u0000b": 1}',
  huge: `{"x":"${'y'.repeat(100_000)}"}`,
};

const schema = {
  type: 'object',
  properties: { user_id: { type: 'string' } },
};

type Route = {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** `:param` segments are replaced by hostile values one at a time. */
  path: string;
  query?: string[];
  /** A valid body, to vary one field of. */
  body?: Record<string, unknown>;
};

const VALID: Record<string, string> = { name: NAME, version: '1' };

const ROUTES: Route[] = [
  { method: 'get', path: '/health' },
  {
    method: 'get',
    path: '/event-types',
    query: ['owner', 'text', 'format', 'lifecycle', 'field', 'limit', 'cursor'],
  },
  {
    method: 'post',
    path: '/event-types',
    body: {
      name: 'com.example.other',
      title: 'Other',
      description: 'Another type',
      owner: 'group:default/playback',
      lifecycle: 'experimental',
      tags: ['playback'],
      format: 'jsonschema',
      compatibility: 'BACKWARD',
      retention: { raw: 'P7D', delivered: 'P90D' },
      sla: { maxLateness: 'PT3H' },
      personalDataFields: ['user_id'],
      dataSubject: 'user_id',
      schema,
    },
  },
  { method: 'get', path: '/event-types/:name' },
  {
    method: 'patch',
    path: '/event-types/:name',
    body: {
      title: 'Playback started',
      description: 'A track started',
      owner: 'group:default/playback',
      lifecycle: 'production',
      tags: ['playback'],
      compatibility: 'BACKWARD',
      retention: { raw: 'P7D' },
      sla: { maxLateness: 'PT3H' },
      personalDataFields: ['user_id'],
      dataSubject: 'user_id',
      deprecation: null,
    },
  },
  { method: 'get', path: '/event-types/:name/versions' },
  { method: 'get', path: '/event-types/:name/versions/:version' },
  {
    method: 'post',
    path: '/event-types/:name/versions',
    body: { schema },
  },
  {
    method: 'patch',
    path: '/event-types/:name/versions/:version',
    body: { deprecation: { reason: 'old', successor: 'v2' } },
  },
  {
    method: 'post',
    path: '/event-types/:name/compatibility',
    body: { schema },
  },
  {
    method: 'post',
    path: '/validate',
    body: { type: NAME, version: 1, data: { user_id: 'u1' } },
  },
  {
    method: 'post',
    path: '/event-types/:name/impact',
    body: { schema },
  },
  { method: 'get', path: '/event-types/:name/impact', query: ['version'] },
  { method: 'get', path: '/event-types/:name/contract', query: ['version'] },
  {
    method: 'post',
    path: '/contracts',
    body: {
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: 'com.example.contracted',
      name: 'com.example.contracted',
      version: '1',
      status: 'draft',
      team: { name: 'group:default/playback' },
      schema: [
        {
          name: 'com.example.contracted',
          logicalType: 'object',
          properties: [{ name: 'user_id', logicalType: 'string' }],
        },
      ],
    },
  },
  { method: 'post', path: '/sync', body: { entityRef: 'component:default/x' } },
  { method: 'get', path: '/sync/sources' },
  // An active type: every retirement is refused, whatever the name.
  { method: 'post', path: '/event-types/:name/retire', body: {} },
  // Last: the hostile names delete nothing, but keep the type to the end.
  { method: 'delete', path: '/event-types/:name' },
];

type Case = {
  what: string;
  method: Route['method'];
  url: string;
  body?: string;
};

function fillPath(path: string, replace?: { param: string; value: string }) {
  return path.replace(/:(\w+)/g, (_match, param: string) =>
    replace?.param === param ? replace.value : encodeURIComponent(VALID[param]),
  );
}

/** Every route with each parameter made hostile in turn. */
function cases(): Case[] {
  const all: Case[] = [];
  for (const route of ROUTES) {
    const validBody = route.body ? JSON.stringify(route.body) : undefined;
    const label = `${route.method.toUpperCase()} ${route.path}`;
    for (const param of route.path.match(/:(\w+)/g) ?? []) {
      for (const [name, value] of Object.entries(HOSTILE_URL_VALUES)) {
        all.push({
          method: route.method,
          what: `${label} ${param} ${name}`,
          url: fillPath(route.path, { param: param.slice(1), value }),
          body: validBody,
        });
      }
    }
    for (const param of route.query ?? []) {
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
          method: route.method,
          what: `${label} ?${param} ${name}`,
          url: `${fillPath(route.path)}?${query}`,
        });
      }
    }
    if (route.body) {
      for (const field of Object.keys(route.body)) {
        for (const [name, value] of Object.entries(HOSTILE_JSON_VALUES)) {
          all.push({
            method: route.method,
            what: `${label} body.${field} ${name}`,
            url: fillPath(route.path),
            body: JSON.stringify({ ...route.body, [field]: value }),
          });
        }
      }
      for (const [name, body] of Object.entries(HOSTILE_BODIES)) {
        all.push({
          method: route.method,
          what: `${label} body ${name}`,
          url: fillPath(route.path),
          body,
        });
      }
    }
  }
  return all;
}

describe.each(TestDatabases.create().eachSupportedId())(
  'hostile input to the registry on %s',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
    let stop: () => Promise<void>;

    const send = (c: Case) => {
      const req = request(server)
        [c.method](`/api/event-schemas${c.url}`)
        .set('Authorization', mockCredentials.user.header());
      return c.body === undefined
        ? req
        : req.set('Content-Type', 'application/json').send(c.body);
    };

    beforeAll(async () => {
      const knex = await databases.init(databaseId as TestDatabaseId);
      const backend = await startTestBackend({
        features: [
          eventSchemasPlugin,
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          mockServices.rootConfig.factory({
            data: {
              eventSchemas: {
                permissions: { adminGroups: ['group:default/playback'] },
              },
            },
          }),
          catalogServiceMock.factory({ entities: [] }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      const created = await send({
        what: 'seed',
        method: 'post',
        url: '/event-types',
        body: JSON.stringify({
          name: NAME,
          owner: 'group:default/playback',
          format: 'jsonschema',
          schema,
        }),
      });
      if (created.status !== 201) {
        throw new Error(`Could not register ${NAME}: ${created.text}`);
      }
    });
    afterAll(() => stop());

    it('answers every route and parameter with hostile values without a 5xx', async () => {
      const all = cases();
      const failures: string[] = [];
      for (const c of all) {
        const res = await send(c);
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
      ['get', '/sync/sources'],
      ['post', '/sync'],
    ])('answers %s %s without credentials with 401', async (method, url) => {
      const res = await request(server)
        [method as 'get' | 'post'](`/api/event-schemas${url}`)
        .set('Authorization', mockCredentials.none.header())
        .send(method === 'post' ? { eventType: NAME } : undefined);
      expect(res.status).toBe(401);
    });

    it.each([
      [
        'a binary cursor',
        'get',
        `/event-types?cursor=${Buffer.from([0, 255, 254, 1]).toString(
          'base64url',
        )}`,
        undefined,
        /Invalid cursor: pass the nextCursor of the previous page/,
      ],
      [
        'a cursor that is no base64url',
        'get',
        '/event-types?cursor=a.b',
        undefined,
        /cursor: must be the nextCursor of a page/,
      ],
      [
        'a limit beyond the maximum',
        'get',
        '/event-types?limit=501',
        undefined,
        /request\/query\/limit must be <= 500/,
      ],
      [
        'an array where a string is expected',
        'get',
        '/event-types?owner=a&owner=b',
        undefined,
        /request\/query\/owner must be string/,
      ],
      [
        'NUL in a query parameter',
        'get',
        '/event-types?text=a%00b',
        undefined,
        /must not contain the NUL character/,
      ],
      [
        'NUL in a body field',
        'patch',
        `/event-types/${NAME}`,
        JSON.stringify({ title: 'a\u0000b' }),
        /title: must not contain the NUL character/,
      ],
      [
        'a version beyond the database integer',
        'get',
        `/event-types/${NAME}/versions/99999999999`,
        undefined,
        /Version must be a number from 1, or latest/,
      ],
      [
        'a version beyond the database integer, in a body',
        'post',
        '/validate',
        JSON.stringify({ type: NAME, version: 99_999_999_999, data: {} }),
        /version: /,
      ],
      [
        'a non-UTF-8 escape in the path',
        'get',
        '/event-types/%E0%A4%A',
        undefined,
        /Failed to decode param/,
      ],
      [
        'an unknown query parameter of the sources of the sync',
        'get',
        '/sync/sources?entityRef=component:default/x',
        undefined,
        /Unknown query parameter 'entityRef'/,
      ],
      [
        'a sync request with both an event type and an entity',
        'post',
        '/sync',
        JSON.stringify({ eventType: NAME, entityRef: 'component:default/x' }),
        /Invalid sync request/,
      ],
      [
        'a name that is a path segment',
        'post',
        '/event-types',
        JSON.stringify({
          name: '..',
          owner: 'group:default/playback',
          format: 'jsonschema',
          schema,
        }),
        /name: .*start with a letter or digit/,
      ],
    ])(
      'answers 400 with the reason to %s',
      async (_what, method, url, body, message) => {
        const res = await send({
          what: url,
          method: method as Case['method'],
          url,
          body,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
      },
    );
  },
);
