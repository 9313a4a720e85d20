import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseEventTypeStore } from './DatabaseEventTypeStore';

jest.setTimeout(60_000);

const SOURCE = 'component:default/playback-service';
const LOCATION = 'https://github.com/acme/playback/tree/main/event-types';

describe('DatabaseEventTypeFileStore, the sources of event type files', () => {
  const databases = TestDatabases.create();

  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseEventTypeStore.create({
      database: { getClient: async () => knex },
    });
    return store.fileStore();
  }

  it.each(databases.eachSupportedId())(
    'records a sync file by file, and keeps the files of the latest read, %p',
    async databaseId => {
      const files = await createStore(databaseId);
      // A first sync that fails: recorded, with no etag.
      await files.recordSourceSync({
        entityRef: SOURCE,
        status: 'failed',
        error: 'annotation is broken',
      });
      expect(await files.getSourceEtag(SOURCE)).toBeUndefined();
      expect(await files.listSources()).toEqual([
        {
          entityRef: SOURCE,
          status: 'failed',
          error: 'annotation is broken',
          lastSyncAt: expect.any(String),
          files: [],
        },
      ]);

      const reasons = ['owner is group:default/insights', 'a\u00e9 \u2713'];
      await files.recordSourceSync({
        entityRef: SOURCE,
        location: LOCATION,
        status: 'synced',
        etag: 'etag-1',
        files: [
          { path: 'b.yaml', eventType: 'com.example.b', outcome: 'created' },
          {
            path: 'a.yaml',
            eventType: 'com.example.a',
            outcome: 'refused',
            reasons,
            refusalKey: 'k'.repeat(64),
          },
        ],
      });
      expect(await files.getSourceEtag(SOURCE)).toBe('etag-1');
      expect(await files.getRefusalKeys(SOURCE)).toEqual(
        new Map([['a.yaml', 'k'.repeat(64)]]),
      );
      const [synced] = await files.listSources();
      expect(synced).toEqual({
        entityRef: SOURCE,
        location: LOCATION,
        status: 'synced',
        lastSyncAt: expect.any(String),
        files: [
          {
            path: 'a.yaml',
            eventType: 'com.example.a',
            outcome: 'refused',
            reasons,
          },
          { path: 'b.yaml', eventType: 'com.example.b', outcome: 'created' },
        ],
      });
      expect(
        Math.abs(Date.parse(synced.lastSyncAt!) - Date.now()),
      ).toBeLessThan(60_000);

      // Not read again: the files and the etag stay, the status changes.
      await files.recordSourceSync({
        entityRef: SOURCE,
        location: LOCATION,
        status: 'unchanged',
      });
      const [unchanged] = await files.listSources();
      expect(unchanged.status).toBe('unchanged');
      expect(unchanged.files).toHaveLength(2);
      expect(await files.getSourceEtag(SOURCE)).toBe('etag-1');

      // Read again: the files are replaced.
      await files.recordSourceSync({
        entityRef: SOURCE,
        location: LOCATION,
        status: 'synced',
        etag: 'etag-2',
        files: [{ path: 'b.yaml', outcome: 'unchanged' }],
      });
      const [replaced] = await files.listSources();
      expect(replaced.files).toEqual([
        { path: 'b.yaml', outcome: 'unchanged' },
      ]);
      expect(await files.getRefusalKeys(SOURCE)).toEqual(new Map());
    },
  );

  it.each(databases.eachSupportedId())(
    'stores the 500 files a tree may hold, and forgets a source with its files, %p',
    async databaseId => {
      const files = await createStore(databaseId);
      const many = Array.from({ length: 500 }, (_, i) => ({
        path: `dir/${String(i).padStart(3, '0')}.yaml`,
        outcome: 'refused' as const,
        reasons: ['x'.repeat(1000)],
        refusalKey: String(i),
      }));
      await files.recordSourceSync({
        entityRef: SOURCE,
        status: 'synced',
        etag: 'e',
        files: many,
      });
      await files.recordSourceSync({
        entityRef: 'component:default/other',
        status: 'synced',
        etag: 'e',
        files: [{ path: 'a.yaml', outcome: 'created' }],
      });
      expect((await files.getRefusalKeys(SOURCE)).size).toBe(500);

      await files.deleteSource(SOURCE);
      const left = await files.listSources();
      expect(left.map(s => s.entityRef)).toEqual(['component:default/other']);
      expect(await files.getRefusalKeys(SOURCE)).toEqual(new Map());
      expect(await files.getSourceEtag(SOURCE)).toBeUndefined();
    },
  );
});
