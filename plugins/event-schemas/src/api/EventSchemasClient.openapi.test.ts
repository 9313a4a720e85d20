import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EventSchemasClient } from './EventSchemasClient';
import {
  checkRequest,
  OpenApiDocument,
} from '@data-collection/plugin-event-schemas-common/testUtils';

// Every request EventSchemasClient makes is an operation of the registry's
// OpenAPI document (the backend's source of truth, which its router is
// generated from and validates against), with the parameters and body
// fields it declares. Each method is called; a method added without a case
// here fails.

const document: OpenApiDocument = parse(
  readFileSync(
    join(__dirname, '../../../event-schemas-backend/src/schema/openapi.yaml'),
    'utf8',
  ),
);

describe('EventSchemasClient against the registry openapi.yaml', () => {
  it('calls only documented operations with documented parameters and bodies', async () => {
    const requests: Array<{ method: string; url: string; body?: unknown }> = [];
    const client = new EventSchemasClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://localhost/api/event-schemas',
      },
      fetchApi: {
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          requests.push({
            method: init?.method ?? 'GET',
            url: String(input),
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
          });
          const body = String(input).includes('/event-types?')
            ? { items: [], totalItems: 0 }
            : { items: [] };
          return new Response(JSON.stringify(body), {
            headers: { 'Content-Type': 'application/json' },
          });
        },
      },
    });
    const name = 'com.example.playback.started';
    const calls: Record<string, () => Promise<unknown>> = {
      listEventTypes: () => client.listEventTypes(),
      getEventType: () => client.getEventType(name),
      listVersions: () => client.listVersions(name),
      // Every field the client's types allow.
      createEventType: () =>
        client.createEventType({
          name,
          title: 'Playback started',
          description: 'A track started',
          owner: 'group:default/playback',
          lifecycle: 'experimental',
          tags: ['playback'],
          format: 'jsonschema',
          compatibility: 'BACKWARD',
          retention: { raw: 'P7D', delivered: 'P90D' },
          sla: { maxLateness: 'PT3H' },
          personalDataFields: ['user_id'],
          dataSubject: 'user_id',
          schema: '{"type":"object"}',
        }),
      updateEventType: () =>
        client.updateEventType(name, {
          title: null,
          description: null,
          owner: 'group:default/audio',
          lifecycle: 'production',
          tags: [],
          compatibility: 'FULL',
          retention: { raw: 'P1D' },
          sla: { maxLateness: 'PT1H' },
          personalDataFields: [],
          dataSubject: null,
          deprecation: {
            reason: 'replaced',
            successor: 'v2',
            sunsetAt: '2099-01-01T00:00:00Z',
          },
        }),
      retireEventType: () => client.retireEventType(name),
      registerVersion: () => client.registerVersion(name, '{}'),
      checkCompatibility: () => client.checkCompatibility(name, '{}'),
      getVersionRemovalImpact: () => client.getVersionRemovalImpact(name, 2),
      getContract: () => client.getContract(name, { version: 2 }),
    };
    const methods = Object.getOwnPropertyNames(
      EventSchemasClient.prototype,
    ).filter(
      method =>
        method !== 'constructor' && !['request', 'send'].includes(method),
    );
    expect(Object.keys(calls).sort()).toEqual(methods.sort());

    for (const call of Object.values(calls)) await call();
    expect(requests).toHaveLength(methods.length);
    expect(
      requests.flatMap(r => checkRequest(document, '/api/event-schemas', r)),
    ).toEqual([]);
  });
});
