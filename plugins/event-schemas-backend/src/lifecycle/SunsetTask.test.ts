import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { DatabaseEventTypeStore } from '../database/DatabaseEventTypeStore';
import { DatabaseSunsetReminderStore } from '../database/DatabaseSunsetReminderStore';
import { SunsetReminders } from '../notifications/SunsetReminders';
import { SchemaRegistry } from '../registry/SchemaRegistry';
import { DEFAULT_REGISTRY_CONFIG } from '../service/config';
import { SUNSET_TASK_PRINCIPAL, SunsetTask } from './SunsetTask';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;
const NAME = 'com.example.playback.started';
const SUNSET = '2027-03-01T00:00:00.000Z';
/** Insights owns two consumers: it gets a reminder for each. */
const CONSUMERS = [
  {
    entityRef: 'component:default/listening-stats',
    title: 'Listening stats',
    owner: 'group:default/insights',
  },
  { entityRef: 'component:default/ad-pacing', owner: 'group:default/ads' },
  {
    entityRef: 'component:default/charts',
    owner: 'group:default/insights',
  },
  // Nobody to tell.
  { entityRef: 'component:default/orphan' },
];
const schema = JSON.stringify({
  type: 'object',
  properties: { track_id: { type: 'string' } },
});

describe('SunsetTask', () => {
  // SQLite always; PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES<major>_
  // CONNECTION_STRING names a server.
  const databases = TestDatabases.create();

  /**
   * A registry, and a task as one replica runs it; `restart` makes a new
   * task on the same database, as a restarted or another replica would.
   */
  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const database = { getClient: async () => knex };
    const store = await DatabaseEventTypeStore.create({ database });
    const clock = { now: new Date('2026-12-01T00:00:00.000Z') };
    const now = () => clock.now;
    const registry = new SchemaRegistry({
      store,
      config: DEFAULT_REGISTRY_CONFIG,
      now,
    });
    const sent: NotificationSendOptions[] = [];
    const notifications = {
      failing: false,
      /** An owner whose notifications fail, the others' going through. */
      failingFor: undefined as string | undefined,
      send: async (options: NotificationSendOptions) => {
        if (notifications.failing) throw new Error('notifications are down');
        const to = (options.recipients as { entityRef: string }).entityRef;
        if (to === notifications.failingFor) throw new Error('refused');
        sent.push(options);
      },
    };
    const restart = async () =>
      new SunsetTask({
        registry,
        store,
        reminders: new SunsetReminders({
          store: await DatabaseSunsetReminderStore.create({ database }),
          consumers: async name => (name === NAME ? CONSUMERS : []),
          notifications,
          logger: mockServices.logger.mock(),
          config: mockServices.rootConfig(),
        }),
        logger: mockServices.logger.mock(),
        now,
      });
    await registry.createEventType({
      request: {
        name: NAME,
        owner: 'group:default/playback',
        format: 'jsonschema',
        schema,
      },
      createdBy: 'user:default/alice',
    });
    await registry.updateEventType({
      name: NAME,
      request: {
        deprecation: {
          reason: 'Replaced by v2',
          successor: 'com.example.playback.started.v2',
          sunsetAt: SUNSET,
        },
      },
      updatedBy: 'user:default/alice',
    });
    const at = (iso: string | number) => {
      clock.now = new Date(iso);
    };
    /**
     * Per stage sent, in order: the owner told of each consumer (each stage
     * reaches the three consumers that have an owner).
     */
    const stagesSent = () => {
      const stages: Array<[string, string[]]> = [];
      for (let i = 0; i < sent.length; i += 3) {
        const batch = sent.slice(i, i + 3);
        expect(
          new Set(batch.map(s => s.payload.scope!.split(':')[3])).size,
        ).toBe(1);
        stages.push([
          batch[0].payload.scope!.split(':')[3],
          batch.map(s => (s.recipients as { entityRef: string }).entityRef),
        ]);
      }
      return stages;
    };
    return { registry, store, restart, at, sent, stagesSent, notifications };
  }

  it.each(databases.eachSupportedId())(
    'reminds each consumer once per stage, through its owner, across restarts, and retires at the sunset, %p',
    async databaseId => {
      const { registry, restart, at, sent, stagesSent } = await setup(
        databaseId,
      );
      const owners = [
        'group:default/insights',
        'group:default/ads',
        'group:default/insights',
      ];
      const sunset = Date.parse(SUNSET);

      at(sunset - 40 * DAY);
      await (await restart()).run();
      expect(sent).toEqual([]);

      at(sunset - 30 * DAY);
      await (await restart()).run();
      at(sunset - 29 * DAY);
      await (await restart()).run();
      expect(stagesSent()).toEqual([['P30D', owners]]);
      expect(sent[0].payload).toMatchObject({
        title: `${NAME} will be retired in 30 days`,
        description: `Listening stats reads ${NAME}, which is deprecated (Replaced by v2) and will refuse events from ${SUNSET}. Move Listening stats to com.example.playback.started.v2.`,
        link: `/event-types/${NAME}/overview`,
        topic: NAME,
        scope: `event-schemas:${NAME}:sunset:P30D:component:default/listening-stats`,
      });
      expect(sent[2].payload.description).toBe(
        `component:default/charts reads ${NAME}, which is deprecated (Replaced by v2) and will refuse events from ${SUNSET}. Move component:default/charts to com.example.playback.started.v2.`,
      );

      at(sunset - 6 * DAY);
      const task = await restart();
      await task.run();
      await task.run();
      at(sunset - 12 * 60 * 60 * 1000);
      await task.run();
      await (await restart()).run();
      expect(stagesSent().map(([stage]) => stage)).toEqual([
        'P30D',
        'P7D',
        'P1D',
      ]);
      expect((await registry.getEventType(NAME)).state).toBe('deprecated');

      at(sunset + 60 * 1000);
      await (await restart()).run();
      await (await restart()).run();
      const retired = await registry.getEventType(NAME);
      expect(retired.state).toBe('retired');
      expect(retired.deprecation).toMatchObject({
        sunsetAt: SUNSET,
        retiredAt: new Date(sunset + 60 * 1000).toISOString(),
        retiredBy: SUNSET_TASK_PRINCIPAL,
      });
      expect(stagesSent()).toEqual([
        ['P30D', owners],
        ['P7D', owners],
        ['P1D', owners],
        ['retired', owners],
      ]);
      expect(sent[9].payload).toMatchObject({
        title: `${NAME} is retired`,
        severity: 'high',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'tells of a retirement by the owners, and sends again what failed to send, %p',
    async databaseId => {
      const { registry, restart, at, stagesSent, notifications } = await setup(
        databaseId,
      );
      const sunset = Date.parse(SUNSET);

      at(sunset - 10 * DAY);
      await registry.retireEventType({
        name: NAME,
        retiredBy: 'user:default/alice',
      });
      notifications.failing = true;
      await (await restart()).run();
      expect(stagesSent()).toEqual([]);

      notifications.failing = false;
      await (await restart()).run();
      await (await restart()).run();
      expect(stagesSent().map(([stage]) => stage)).toEqual(['retired']);

      // A week after, the retirement is old news: nothing more is sent.
      at(sunset + 30 * DAY);
      await (await restart()).run();
      expect(stagesSent()).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'sends again only the reminders that failed, %p',
    async databaseId => {
      const { restart, at, sent, notifications } = await setup(databaseId);
      const sunset = Date.parse(SUNSET);
      at(sunset - 20 * DAY);
      notifications.failingFor = 'group:default/ads';
      await expect((await restart()).run()).resolves.toBeUndefined();
      expect(sent.map(s => s.payload.scope)).toEqual([
        `event-schemas:${NAME}:sunset:P30D:component:default/listening-stats`,
        `event-schemas:${NAME}:sunset:P30D:component:default/charts`,
      ]);
      notifications.failingFor = undefined;
      await (await restart()).run();
      await (await restart()).run();
      expect(sent.map(s => s.payload.scope)).toHaveLength(3);
      expect(sent[2].payload.scope).toBe(
        `event-schemas:${NAME}:sunset:P30D:component:default/ad-pacing`,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'starts the stages over when the sunset moves, %p',
    async databaseId => {
      const { registry, restart, at, stagesSent } = await setup(databaseId);
      const sunset = Date.parse(SUNSET);

      at(sunset - 5 * DAY);
      await (await restart()).run();
      const later = new Date(sunset + 30 * DAY).toISOString();
      await registry.updateEventType({
        name: NAME,
        request: { deprecation: { reason: 'More time', sunsetAt: later } },
        updatedBy: 'user:default/alice',
      });
      at(Date.parse(later) - 5 * DAY);
      await (await restart()).run();
      expect(stagesSent().map(([stage]) => stage)).toEqual(['P7D', 'P7D']);
      expect((await registry.getEventType(NAME)).state).toBe('deprecated');
    },
  );
});
