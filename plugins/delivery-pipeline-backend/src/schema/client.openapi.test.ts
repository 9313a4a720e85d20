import { DeliveryPipelineClient } from '@data-collection/plugin-delivery-pipeline-common';
import { PersonalDataDecrypter } from '@data-collection/plugin-delivery-pipeline-node';
import { spec } from './openapi';
import {
  checkRequest,
  OpenApiDocument,
} from '@data-collection/plugin-event-schemas-common/testUtils';

// Every request DeliveryPipelineClient makes is an operation of the
// document, with parameters it declares: the document cannot drift from
// the client the frontend and scripts use. Each method of the client is
// called with every option set; a method added without a case here fails.

const check = (method: string, url: URL) =>
  checkRequest(spec as unknown as OpenApiDocument, '/api/delivery-pipeline', {
    method,
    url: url.toString(),
  });

describe('DeliveryPipelineClient against openapi.yaml', () => {
  it('calls only documented operations with documented parameters', async () => {
    const requests: Array<{ method: string; url: URL }> = [];
    const client = new DeliveryPipelineClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://localhost/api/delivery-pipeline',
      },
      fetchApi: {
        fetch: async (input, init) => {
          requests.push({
            method: init?.method ?? 'GET',
            url: new URL(String(input)),
          });
          return new Response('{}', {
            headers: { 'Content-Type': 'application/json' },
          });
        },
      },
    });
    const from = new Date('2026-11-23T10:00:00Z');
    const to = new Date('2026-11-23T11:00:00Z');
    const eventType = 'com.example.playback.started';
    const calls: Record<string, () => Promise<unknown>> = {
      listPartitions: () =>
        client.listPartitions({
          eventType,
          from,
          to,
          state: 'delivered',
          limit: 10,
        }),
      getHealth: () => client.getHealth(eventType, { from, to }),
      listHealth: () => client.listHealth({ from, to }),
      previewPartition: () =>
        client.previewPartition(eventType, from.toISOString(), { limit: 5 }),
      listFailedEvents: () =>
        client.listFailedEvents({
          eventType,
          from,
          to,
          includeReplayed: true,
          limit: 10,
          cursor: '12',
        }),
      eraseDataSubject: () =>
        client.eraseDataSubject('user-1', { suppress: true }),
      listRetentionDeletions: () =>
        client.listRetentionDeletions({
          eventType,
          from,
          to,
          limit: 10,
          cursor: '12',
        }),
    };
    const methods = Object.getOwnPropertyNames(
      DeliveryPipelineClient.prototype,
    ).filter(name => name !== 'constructor');
    expect(Object.keys(calls).sort()).toEqual(methods.sort());

    for (const call of Object.values(calls)) await call();
    expect(requests).toHaveLength(methods.length);
    expect(requests.flatMap(({ method, url }) => check(method, url))).toEqual(
      [],
    );
  });

  it('documents the decrypt request of PersonalDataDecrypter', async () => {
    const requests: Array<{ method: string; url: string; body: unknown }> = [];
    const decrypter = new PersonalDataDecrypter({
      baseUrl: 'http://localhost/api/delivery-pipeline',
      token: 'token',
      fetch: async (input, init) => {
        requests.push({
          method: init?.method ?? 'GET',
          url: String(input),
          body: JSON.parse(String(init?.body)),
        });
        return new Response(JSON.stringify({ results: [{ value: 'ada' }] }), {
          headers: { 'Content-Type': 'application/json' },
        });
      },
    });
    await decrypter.decryptEvents({
      eventType: 'com.example.playback.started',
      events: [{ data: { email: `pd1:${'k'.repeat(22)}:sealed` } }],
      source: 'a test',
    });
    expect(requests).toHaveLength(1);
    expect(
      checkRequest(
        spec as unknown as OpenApiDocument,
        '/api/delivery-pipeline',
        requests[0],
      ),
    ).toEqual([]);
  });

  it('finds what the document lacks', () => {
    expect(
      checkRequest(
        spec as unknown as OpenApiDocument,
        '/api/delivery-pipeline',
        {
          method: 'POST',
          url: '/api/delivery-pipeline/failed-events/replay',
          body: { colour: 'blue' },
        },
      ),
    ).toEqual([
      "POST /failed-events/replay: body field 'colour'",
      "POST /failed-events/replay: no body field 'eventType'",
    ]);
    const url = (path: string) =>
      new URL(`http://localhost/api/delivery-pipeline${path}`);
    expect(check('GET', url('/partitions?colour=blue'))).toEqual([
      "GET /partitions: query parameter 'colour'",
    ]);
    expect(check('PUT', url('/partitions'))).toEqual([
      'PUT /partitions: not in the document',
    ]);
    expect(check('GET', url('/nowhere'))).toEqual([
      'GET /nowhere: no such path in the document',
    ]);
  });
});
