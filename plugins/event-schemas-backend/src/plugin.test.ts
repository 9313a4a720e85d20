import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { eventSchemasPlugin } from './plugin';

describe('eventSchemasPlugin', () => {
  async function startBackend() {
    const { server } = await startTestBackend({
      features: [eventSchemasPlugin, mockServices.database.factory()],
    });
    return server;
  }

  it('answers the health check without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/event-schemas/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('lists event types for a signed-in user and refuses anonymous callers', async () => {
    const server = await startBackend();
    await request(server)
      .get('/api/event-schemas/event-types')
      .set('Authorization', mockCredentials.user.header())
      .expect(200, { items: [] });

    const anonymous = await request(server)
      .get('/api/event-schemas/event-types')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('answers an unknown route with 404', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/event-schemas/no-such-route')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
  });
});
