import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { ConsumerImpact } from '../consumers/ConsumerImpact';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import { RegistrationRateLimiter } from '../service/RegistrationRateLimiter';
import { createRouter } from '../service/router';
import { spec } from './openapi';

// The router validates each request against src/schema/openapi.yaml before
// its handler runs: what the document does not allow is a 400 that names
// the offending part, and never reaches the registry.

describe('requests validated against openapi.yaml', () => {
  const registry = {
    listEventTypes: jest.fn(async () => ({ items: [], totalItems: 0 })),
    getEventType: jest.fn(),
    createEventType: jest.fn(),
  };

  async function startApp() {
    const router = await createRouter({
      registry: registry as unknown as SchemaRegistry,
      config: DEFAULT_REGISTRY_CONFIG,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      ownership: { authorizeCreate: async () => {} } as any,
      reads: { readableEventTypes: async () => undefined } as any,
      rateLimiter: new RegistrationRateLimiter({ perMinute: 30 }),
      auditor: mockServices.auditor.mock(),
      impact: {} as ConsumerImpact,
      ping: async () => {},
      logger: mockServices.logger.mock(),
    });
    return express().use(router).use(mockErrorHandler());
  }

  beforeEach(() => jest.clearAllMocks());

  it('serves a valid request', async () => {
    const res = await request(await startApp()).get(
      '/event-types?owner=group:default/playback&limit=10',
    );
    expect(res.body).toEqual({ items: [], totalItems: 0 });
    expect(res.status).toBe(200);
    expect(registry.listEventTypes).toHaveBeenCalledWith({
      filter: { owner: 'group:default/playback' },
      limit: 10,
      cursor: undefined,
    });
  });

  it('refuses a query parameter the document does not have', async () => {
    const res = await request(await startApp()).get('/event-types?ownr=x');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Unknown query parameter 'ownr'");
    expect(registry.listEventTypes).not.toHaveBeenCalled();
  });

  it('refuses a value outside the enum of a query parameter', async () => {
    const res = await request(await startApp()).get('/event-types?format=xml');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'request/query/format must be equal to one of the allowed values: jsonschema, avro',
    );
  });

  it('refuses a body field the document does not list', async () => {
    const res = await request(await startApp())
      .post('/event-types')
      .send({
        name: 'com.example.a',
        owner: 'group:default/playback',
        format: 'jsonschema',
        schema: {},
        colour: 'blue',
      });
    expect(res.status).toBe(400);
    // Named by the handler: the validator's message would not name it.
    expect(res.body.error.message).toBe(
      "Invalid event type: unknown field 'colour'",
    );
    expect(registry.createEventType).not.toHaveBeenCalled();
  });

  it('refuses a path that does not decode, naming it', async () => {
    const res = await request(await startApp()).get('/event-types/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Failed to decode param '%E0%A4%A'");
  });

  it('refuses a body without a required field', async () => {
    const res = await request(await startApp())
      .post('/event-types')
      .send({ name: 'com.example.a', format: 'jsonschema', schema: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "request/body must have required property 'owner'",
    );
  });

  it('refuses a body field of the wrong type', async () => {
    const res = await request(await startApp())
      .post('/event-types')
      .send({
        name: 'com.example.a',
        owner: 'group:default/playback',
        format: 'jsonschema',
        schema: {},
        tags: 'playback',
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('request/body/tags must be array');
  });

  it('serves the document it validates against', async () => {
    const res = await request(await startApp()).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      Object.keys(spec.paths).map(path => `${path}`),
    );
  });
});
