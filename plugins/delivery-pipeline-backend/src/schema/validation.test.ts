import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { DEFAULT_BINDING_LIMITS } from '../ingest/binding';
import { createRouter } from '../service/router';

// Requests to the pipeline are validated against src/schema/openapi.yaml
// before their handlers run, except ingest, which reads its own body.

describe('requests validated against openapi.yaml', () => {
  const ingest = { ingest: jest.fn() };
  const storage = { url: () => 'file:///delivered' };

  async function startApp() {
    const unused = {} as any;
    const router = await createRouter({
      partitions: unused,
      policies: unused,
      storage: storage as any,
      retention: unused,
      failedEvents: unused,
      ingest: ingest as any,
      limits: DEFAULT_BINDING_LIMITS,
      api: { maxWindowMs: 3_600_000, maxPageBytes: 1 },
      personalData: { keychain: unused, reader: unused, access: unused },
      producers: { producerOf: () => ({ kind: 'user' }) } as any,
      dataAccess: unused,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      auditor: mockServices.auditor.mock(),
      logger: mockServices.logger.mock(),
    });
    return express().use(router).use(mockErrorHandler());
  }

  beforeEach(() => jest.clearAllMocks());

  it('serves a valid request', async () => {
    const res = await request(await startApp()).get('/datasets');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ location: 'file:///delivered' });
  });

  it('refuses a query parameter the document does not have', async () => {
    const res = await request(await startApp()).get('/datasets?colour=blue');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Unknown query parameter 'colour'");
  });

  it('refuses a body field of the wrong type', async () => {
    const res = await request(await startApp())
      .post('/failed-events/replay')
      .send({ eventType: 'com.example.a', limit: '10' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('request/body/limit must be integer');
  });

  it('leaves the ingest body to ingest, as bytes', async () => {
    ingest.ingest.mockResolvedValue({ accepted: 1, rejected: [] });
    // Not the document's JSON: no parser or validator may touch it.
    const body = '{"specversion":"1.0", "extra": [1,2,3]}';
    const res = await request(await startApp())
      .post('/events')
      .set('Content-Type', 'application/cloudevents+json')
      .send(body);
    expect(res.status).toBe(202);
    expect(ingest.ingest).toHaveBeenCalledTimes(1);
    const [{ body: received }] = ingest.ingest.mock.calls[0];
    expect(Buffer.isBuffer(received)).toBe(true);
    expect(received.toString('utf8')).toBe(body);
  });

  it('refuses a path that does not decode, naming it', async () => {
    const res = await request(await startApp()).get(
      '/event-types/%E0%A4%A/health',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Failed to decode param '%E0%A4%A'");
  });

  it('serves the document it validates against', async () => {
    const res = await request(await startApp()).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/events'].post.summary).toMatch(/CloudEvents/);
  });
});
