import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { sharedDatabaseCheck } from './sharedDatabaseCheck';

const start = (data: object) =>
  startTestBackend({
    features: [sharedDatabaseCheck, mockServices.rootConfig.factory({ data })],
  });

describe('sharedDatabaseCheck', () => {
  it('refuses SQLite', async () => {
    await expect(
      start({
        backend: { database: { client: 'better-sqlite3' } },
        deliveryPipeline: { transport: { type: 'database' } },
      }),
    ).rejects.toThrow(/needs the portal's PostgreSQL server/);
  });

  it('refuses the local transport, the default', async () => {
    await expect(
      start({ backend: { database: { client: 'pg' } } }),
    ).rejects.toThrow(/needs a transport its replicas share/);
  });

  it('starts on PostgreSQL with the database transport', async () => {
    const backend = start({
      backend: { database: { client: 'pg' } },
      deliveryPipeline: { transport: { type: 'database' } },
    });
    await expect(backend).resolves.toBeDefined();
    await (await backend).stop();
  });
});
