import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { EventClaim } from '@data-collection/plugin-delivery-pipeline-node';
import knexFactory, { Knex } from 'knex';
import { DatabaseEventTransport } from './DatabaseEventTransport';
import {
  batch,
  describeTransportConformance,
} from '@data-collection/plugin-delivery-pipeline-node/testUtils';

jest.setTimeout(60_000);

const bounds = { maxBacklogEvents: 1_000_000, maxBacklogBytes: 1_000_000_000 };

describe('DatabaseEventTransport', () => {
  // SQLite always; PostgreSQL when scripts/test.sh found a server and set
  // BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING.
  const databases = TestDatabases.create();

  describeTransportConformance(
    databases.eachSupportedId(),
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      return {
        open: options =>
          DatabaseEventTransport.create({
            database: { getClient: async () => knex },
            ...options,
          }),
      };
    },
  );

  it.each(databases.eachSupportedId())(
    'creates its table through the plugin migrations, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const transport = await DatabaseEventTransport.create({
        database: { getClient: async () => knex },
        ...bounds,
      });
      await transport.publish(batch('a', 1000, 3));
      await transport.publish([
        ...batch('b', 1001, 1),
        ...batch('c', 1002, 2),
        ...batch('b', 1003, 1),
      ]);
      const rows = await knex('transport_chunks')
        .orderBy('id')
        .select('event_type', 'event_count', 'received_offsets');
      expect(rows).toEqual([
        { event_type: 'com.example.a', event_count: 3, received_offsets: null },
        {
          event_type: 'com.example.b',
          event_count: 2,
          received_offsets: '0,2',
        },
        { event_type: 'com.example.c', event_count: 2, received_offsets: null },
      ]);
      await transport.close();
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves the migrations alone when told to skip them, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await expect(
        DatabaseEventTransport.create({
          database: { getClient: async () => knex, migrations: { skip: true } },
          ...bounds,
        }),
      ).rejects.toMatchObject({
        // Not toThrow: better-sqlite3 errors are made with the Error of the
        // first test file that loaded it, which jest then does not see as one.
        message: expect.stringMatching(/transport_chunks/),
      });
      expect(await knex.schema.hasTable('transport_chunks')).toBe(false);
    },
  );

  const postgresIds = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));
  if (postgresIds.length > 0) {
    it.each(postgresIds)(
      'never gives one chunk to two replicas claiming at once, %p',
      async databaseId => {
        const knex = await databases.init(databaseId);
        // A second connection pool on the same database: another replica.
        const otherKnex = knexFactory(knex.client.config as Knex.Config);
        try {
          const replicas: DatabaseEventTransport[] = [];
          // One after the other: knex migrations are not safe to race.
          for (const client of [knex, otherKnex]) {
            replicas.push(
              await DatabaseEventTransport.create({
                database: { getClient: async () => client },
                ...bounds,
              }),
            );
          }
          const published = Array.from({ length: 300 }, (_, n) =>
            batch(`chunk${n}.`, 1000 + (n % 10), 10, 16),
          );
          await Promise.all(
            published.map((events, i) => replicas[i % 2].publish(events)),
          );

          // Four consumers per replica, each claiming a few chunks at a time.
          const claimedBy = await Promise.all(
            replicas.flatMap(replica =>
              Array.from({ length: 4 }, () => consumeAll(replica)),
            ),
          );
          const claimed = claimedBy.flat();
          expect(claimed.sort()).toEqual(
            published
              .flat()
              .map(e => e.line)
              .sort(),
          );
          expect(new Set(claimed).size).toBe(3000);
          expect(claimedBy.slice(0, 4).flat().length).toBeGreaterThan(0);
          expect(claimedBy.slice(4).flat().length).toBeGreaterThan(0);
          await Promise.all(replicas.map(replica => replica.close()));
        } finally {
          await otherKnex.destroy();
        }
      },
    );
  }
});

async function consumeAll(transport: DatabaseEventTransport) {
  const lines: string[] = [];
  for (;;) {
    const claim: EventClaim | undefined = await transport.claim({
      maxEvents: 25,
      leaseMs: 60_000,
    });
    if (!claim) return lines;
    lines.push(...claim.events.map(e => e.line));
    await transport.ack(claim);
  }
}
