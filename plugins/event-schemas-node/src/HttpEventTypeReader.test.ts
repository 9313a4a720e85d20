import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { HttpEventTypeReader } from './HttpEventTypeReader';
import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';

// The reader passes bodies through: only the fields a test looks at matter.
const makeEventType = (overrides: Partial<EventType> = {}) =>
  ({
    name: 'com.example.playback.started',
    latestVersion: 2,
    ...overrides,
  } as EventType);
const makeVersion = (eventType: EventType) =>
  ({
    eventType: eventType.name,
    version: eventType.latestVersion,
    schema: '{}',
  } as EventTypeVersion);

/** The header the mock auth service's token for catalog to registry makes. */
const CATALOG_TO_REGISTRY = `Bearer ${mockCredentials.service.token({
  onBehalfOf: mockCredentials.service('plugin:catalog'),
  targetPluginId: 'event-schemas',
})}`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('HttpEventTypeReader', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  let requests: { url: string; authorization?: string }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
      handler(req, res);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}/api/event-schemas`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
  });

  function createReader() {
    return new HttpEventTypeReader({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId => {
          expect(pluginId).toBe('event-schemas');
          return baseUrl;
        },
      }),
      auth: mockServices.auth({ pluginId: 'catalog' }),
    });
  }

  it('lists event types across pages, as the calling service', async () => {
    const pages: Record<string, unknown> = {
      '': {
        items: [
          makeEventType({ name: 'a.one' }),
          makeEventType({ name: 'a.two' }),
        ],
        totalItems: 3,
        nextCursor: 'page 2',
      },
      'page 2': { items: [makeEventType({ name: 'b.three' })], totalItems: 3 },
    };
    handler = (req, res) => {
      const url = new URL(req.url ?? '', 'http://registry');
      expect(url.pathname).toBe('/api/event-schemas/event-types');
      sendJson(res, 200, pages[url.searchParams.get('cursor') ?? '']);
    };

    const eventTypes = await createReader().listEventTypes();

    expect(eventTypes.map(e => e.name)).toEqual(['a.one', 'a.two', 'b.three']);
    expect(requests.map(r => r.url)).toEqual([
      '/api/event-schemas/event-types?limit=500',
      '/api/event-schemas/event-types?limit=500&cursor=page+2',
    ]);
    for (const { authorization } of requests) {
      expect(authorization).toBe(CATALOG_TO_REGISTRY);
    }
  });

  it('reads an event type and its latest version', async () => {
    const eventType = makeEventType();
    const version = makeVersion(eventType);
    handler = (req, res) => {
      if (
        req.url ===
        '/api/event-schemas/event-types/com.example.playback.started'
      ) {
        sendJson(res, 200, eventType);
      } else if (
        req.url ===
        '/api/event-schemas/event-types/com.example.playback.started/versions/latest'
      ) {
        sendJson(res, 200, version);
      } else {
        sendJson(res, 404, { error: { name: 'NotFoundError', message: '' } });
      }
    };
    const reader = createReader();

    await expect(reader.getEventType(eventType.name)).resolves.toEqual(
      eventType,
    );
    await expect(reader.getLatestVersion(eventType.name)).resolves.toEqual(
      version,
    );
    expect(requests.map(r => r.authorization)).toEqual([
      CATALOG_TO_REGISTRY,
      CATALOG_TO_REGISTRY,
    ]);
  });

  it('answers undefined for an event type that does not exist', async () => {
    handler = (_req, res) =>
      sendJson(res, 404, {
        error: { name: 'NotFoundError', message: 'No such event type' },
      });
    const reader = createReader();

    await expect(
      reader.getEventType('com.example.gone'),
    ).resolves.toBeUndefined();
    await expect(
      reader.getLatestVersion('com.example.gone'),
    ).resolves.toBeUndefined();
  });

  it('throws a ResponseError when the registry fails', async () => {
    handler = (_req, res) =>
      sendJson(res, 500, {
        error: { name: 'Error', message: 'database is down' },
        response: { statusCode: 500 },
      });
    const reader = createReader();

    const error = await reader.listEventTypes().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(500);
    expect(error.cause.message).toBe('database is down');
    await expect(reader.getLatestVersion('com.example.x')).rejects.toEqual(
      expect.any(ResponseError),
    );
  });

  it('says the registry may be missing when listing answers 404', async () => {
    handler = (_req, res) => sendJson(res, 404, {});
    await expect(createReader().listEventTypes()).rejects.toThrow(
      'The schema registry answered 404 to GET /event-types; is the event-schemas plugin installed?',
    );
  });

  it('reads a version by number', async () => {
    const version = makeVersion(makeEventType());
    handler = (req, res) => {
      expect(req.url).toBe(
        '/api/event-schemas/event-types/com.example.playback.started/versions/2',
      );
      sendJson(res, 200, version);
    };
    await expect(
      createReader().getVersion('com.example.playback.started', 2),
    ).resolves.toEqual(version);
  });
});
