import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseEventTypeStore } from './DatabaseEventTypeStore';
import { DatabaseSunsetReminderStore } from './DatabaseSunsetReminderStore';

jest.setTimeout(60_000);

const NAME = 'com.example.playback.started';
const deprecation = {
  reason: 'Replaced',
  sunsetAt: '2027-01-31T00:00:00.000Z',
  deprecatedAt: '2026-12-01T00:00:00.000Z',
  deprecatedBy: 'user:default/alice',
};

describe('the lifecycle on the database', () => {
  // SQLite always; PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES<major>_
  // CONNECTION_STRING names a server.
  const databases = TestDatabases.create();

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const database = { getClient: async () => knex };
    const store = await DatabaseEventTypeStore.create({ database });
    const reminders = await DatabaseSunsetReminderStore.create({ database });
    await store.createEventType({
      eventType: {
        name: NAME,
        owner: 'group:default/playback',
        lifecycle: 'production',
        tags: [],
        format: 'jsonschema',
        compatibility: 'BACKWARD',
        retention: { raw: 'P7D', delivered: 'P90D' },
        sla: { maxLateness: 'PT3H' },
        personalDataFields: [],
        createdBy: 'user:default/alice',
      },
      version: {
        schema: '{}',
        fingerprint: 'sha256:1',
        fields: [],
        createdBy: 'user:default/alice',
      },
    });
    return { store, reminders };
  }

  it.each(databases.eachSupportedId())(
    'replaces a deprecation only if it is unchanged, %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      expect((await store.getEventType(NAME))?.state).toBe('active');
      await store.updateEventType({ name: NAME, changes: { deprecation } });
      expect(await store.listDeprecatedEventTypes()).toEqual([
        expect.objectContaining({ name: NAME, state: 'deprecated' }),
      ]);

      const retired = { ...deprecation, retiredAt: '2027-01-31T00:01:00Z' };
      // Someone moved the sunset meanwhile: the retirement changes nothing.
      expect(
        await store.replaceDeprecation({
          name: NAME,
          expected: { ...deprecation, sunsetAt: '2027-01-30T00:00:00.000Z' },
          deprecation: retired,
        }),
      ).toBeUndefined();
      expect((await store.getEventType(NAME))?.state).toBe('deprecated');

      const done = await store.replaceDeprecation({
        name: NAME,
        expected: deprecation,
        deprecation: retired,
      });
      expect(done).toMatchObject({ state: 'retired', deprecation: retired });
      // Retired types are still listed: their consumers are told of it.
      expect(
        (await store.listDeprecatedEventTypes()).map(t => t.state),
      ).toEqual(['retired']);
      expect(
        await store.replaceDeprecation({
          name: 'com.example.unknown',
          expected: undefined,
          deprecation,
        }),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'claims each reminder once per recipient, and releases failed ones, %p',
    async databaseId => {
      const { reminders } = await setup(databaseId);
      const key = {
        eventType: NAME,
        sunsetAt: deprecation.sunsetAt,
        stage: 'P7D',
      };
      const now = new Date('2027-01-24T00:00:00Z');
      expect(
        await reminders.claim({
          ...key,
          recipients: ['group:default/a', 'group:default/b', 'group:default/a'],
          now,
        }),
      ).toEqual(['group:default/a', 'group:default/b']);
      expect(
        await reminders.claim({
          ...key,
          recipients: ['group:default/a', 'group:default/c'],
          now,
        }),
      ).toEqual(['group:default/c']);
      // Another stage, or another sunset date, is another reminder.
      expect(
        await reminders.claim({
          ...key,
          stage: 'P1D',
          recipients: ['group:default/a'],
          now,
        }),
      ).toEqual(['group:default/a']);

      await reminders.release({ ...key, recipients: ['group:default/c'] });
      expect(
        await reminders.claim({
          ...key,
          recipients: ['group:default/a', 'group:default/c'],
          now,
        }),
      ).toEqual(['group:default/c']);
    },
  );
});
