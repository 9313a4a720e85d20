import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { deliveryPipelinePlugin } from './plugin';

describe('deliveryPipelinePlugin', () => {
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [deliveryPipelinePlugin, mockServices.database.factory()],
    });
    return server;
  }

  it('answers the health check without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/delivery-pipeline/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('lists partitions for a signed-in user and refuses anonymous callers', async () => {
    const server = await startBackend();
    await request(server)
      .get('/api/delivery-pipeline/partitions')
      .set('Authorization', mockCredentials.user.header())
      .expect(200, { items: [] });

    const anonymous = await request(server)
      .get('/api/delivery-pipeline/partitions')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('explains a malformed time window with 400', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/delivery-pipeline/partitions?from=yesterday')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "Query parameter 'from' must be an ISO 8601 time, such as 2026-11-23T10:00:00Z; got 'yesterday'",
    );
  });
});
