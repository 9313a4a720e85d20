import { mockServices } from '@backstage/backend-test-utils';
import { HttpEventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { spec } from './openapi';
import {
  checkRequest,
  OpenApiDocument,
} from '@data-collection/plugin-event-schemas-common/testUtils';

// Every request HttpEventTypeReader (how other backend plugins read the
// registry) makes is an operation of the document, with parameters it
// declares. Each method is called; a method added without a case fails.
// The frontend's EventSchemasClient has the same test in its package.

const document = spec as unknown as OpenApiDocument;

describe('HttpEventTypeReader against openapi.yaml', () => {
  const requests: Array<{ method: string; url: string }> = [];

  beforeEach(() => {
    requests.length = 0;
    jest.spyOn(global, 'fetch').mockImplementation(async (input, init) => {
      requests.push({ method: init?.method ?? 'GET', url: String(input) });
      const body = String(input).includes('/event-types?')
        ? { items: [], totalItems: 0 }
        : {};
      return new Response(JSON.stringify(body), {
        headers: { 'Content-Type': 'application/json' },
      });
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('calls only documented operations with documented parameters', async () => {
    const reader = new HttpEventTypeReader({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    });
    const name = 'com.example.playback.started';
    const calls: Record<string, () => Promise<unknown>> = {
      listEventTypes: () => reader.listEventTypes(),
      getEventType: () => reader.getEventType(name),
      getVersion: () => reader.getVersion(name, 2),
      getLatestVersion: () => reader.getLatestVersion(name),
    };
    const methods = Object.getOwnPropertyNames(
      HttpEventTypeReader.prototype,
    ).filter(method => method !== 'constructor');
    expect(Object.keys(calls).sort()).toEqual(methods.sort());

    for (const call of Object.values(calls)) await call();
    expect(requests).toHaveLength(methods.length);
    expect(
      requests.flatMap(r => checkRequest(document, '/api/event-schemas', r)),
    ).toEqual([]);
  });

  it('finds what the document lacks', () => {
    expect(
      checkRequest(document, '/api/event-schemas', {
        method: 'GET',
        url: '/api/event-schemas/event-types?owner=a&colour=blue',
      }),
    ).toEqual(["GET /event-types: query parameter 'colour'"]);
    expect(
      checkRequest(document, '/api/event-schemas', {
        method: 'POST',
        url: '/api/event-schemas/event-types/a.b/versions',
        body: {},
      }),
    ).toEqual(["POST /event-types/{name}/versions: no body field 'schema'"]);
  });
});
