import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { toChunks } from './chunks';
import { GroupCommitWriter } from './GroupCommitWriter';
import { batch } from '@data-collection/plugin-delivery-pipeline-node/testUtils';

jest.setTimeout(60_000);

describe('GroupCommitWriter', () => {
  const databases = TestDatabases.create();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@data-collection/plugin-delivery-pipeline-backend',
        'migrations',
      ),
    });
    const writer = new GroupCommitWriter(
      knex,
      knex.client.dialect === 'postgresql',
    );
    const storedTypes = async () =>
      (await knex('transport_chunks').orderBy('id').select('event_type')).map(
        row => row.event_type,
      );
    return { knex, writer, storedTypes };
  }

  const soon = () => Date.now() + 5_000;

  it.each(databases.eachSupportedId())(
    'writes the publishes of one turn in one transaction, %p',
    async databaseId => {
      const { knex, writer, storedTypes } = await setUp(databaseId);
      const insertTransactions = new Set<string>();
      knex.on('query', (query: { sql: string; __knexTxId?: string }) => {
        if (/^insert/i.test(query.sql)) {
          insertTransactions.add(query.__knexTxId ?? 'none');
        }
      });

      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          writer.write(toChunks(batch(`t${i}`, 1000, 3)), soon()),
        ),
      );

      expect([...insertTransactions]).toEqual([expect.stringMatching(/^trx/)]);
      expect(await storedTypes()).toHaveLength(20);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a publish that waited past its deadline, storing nothing, %p',
    async databaseId => {
      const { writer, storedTypes } = await setUp(databaseId);

      await expect(
        writer.write(toChunks(batch('late', 1000, 3)), Date.now() - 1),
      ).rejects.toThrow(ServiceUnavailableError);
      await writer.write(toChunks(batch('timely', 1000, 3)), soon());

      expect(await storedTypes()).toEqual(['com.example.timely']);
    },
  );

  const postgresIds = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));
  if (postgresIds.length > 0) {
    it.each(postgresIds)(
      'stores the other publishes of a transaction that one of them failed, %p',
      async databaseId => {
        const { writer, storedTypes } = await setUp(databaseId);
        // PostgreSQL enforces the column length that SQLite ignores.
        const tooLong = 'x'.repeat(300);

        const results = await Promise.allSettled([
          writer.write(toChunks(batch('first', 1000, 2)), soon()),
          writer.write(toChunks(batch(tooLong, 1000, 2)), soon()),
          writer.write(toChunks(batch('third', 1000, 2)), soon()),
        ]);

        expect(results.map(result => result.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
        ]);
        expect(await storedTypes()).toEqual([
          'com.example.first',
          'com.example.third',
        ]);
      },
    );
  }
});
