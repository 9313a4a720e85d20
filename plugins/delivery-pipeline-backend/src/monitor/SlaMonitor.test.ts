import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { DatabaseSlaStore } from '../database/DatabaseSlaStore';
import { migrateDatabase } from '../database/migrateDatabase';
import {
  EventTypePolicy,
  EventTypePolicySource,
} from '../policies/EventTypePolicies';
import { SlaMonitor } from './SlaMonitor';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OWNED = 'com.example.owned'; // max lateness PT1H
const ORPHAN = 'com.example.orphan'; // not registered, no owner
const BROKEN = 'com.example.broken'; // the registry fails for it
const T0 = new Date('2026-11-23T10:00:00Z');

const POLICIES: Record<string, EventTypePolicy> = {
  [OWNED]: {
    eventType: OWNED,
    owner: 'group:default/playback',
    registered: true,
    maxLatenessMs: HOUR,
    maxLateness: 'PT1H',
    slaSource: 'registry',
    retention: {},
  },
  [ORPHAN]: {
    eventType: ORPHAN,
    registered: false,
    maxLatenessMs: 2 * HOUR,
    maxLateness: 'PT2H (default)',
    slaSource: 'default',
    retention: {},
  },
};

const policies: EventTypePolicySource = {
  async get(eventType) {
    const found = POLICIES[eventType];
    if (!found) throw new Error(`registry unreachable for ${eventType}`);
    return found;
  },
};

class FakeNotifications implements NotificationService {
  sent: NotificationSendOptions[] = [];
  failing = false;
  async send(options: NotificationSendOptions): Promise<void> {
    // Yield, so concurrent monitors interleave.
    await new Promise(resolve => setTimeout(resolve, 5));
    if (this.failing) throw new Error('notifications backend unavailable');
    this.sent.push(options);
  }
}

describe('SlaMonitor', () => {
  const databases = TestDatabases.create();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    const notifications = new FakeNotifications();
    const clock = { now: T0 };
    const logger = mockServices.logger.mock();
    const signals = { publish: jest.fn() };
    const monitor = (
      options: {
        summarizeAbove?: number;
        config?: ReturnType<typeof mockServices.rootConfig>;
      } = {},
    ) =>
      new SlaMonitor({
        store: new DatabaseSlaStore(knex),
        policies,
        notifications,
        logger,
        config: mockServices.rootConfig(),
        signals,
        now: () => clock.now,
        ...options,
      });
    const at = (ms: number) => {
      clock.now = new Date(T0.getTime() + ms);
    };
    return { knex, notifications, clock, at, monitor, logger, signals };
  }

  /** The hour partition of `eventType` ending at T0 + `endMs`. */
  async function addPartition(
    knex: Knex,
    eventType: string,
    endMs: number,
    delivery?: { afterEndMs: number },
  ) {
    const end = new Date(T0.getTime() + endMs);
    const start = new Date(end.getTime() - HOUR);
    await knex('partitions').insert({
      event_type: eventType,
      start,
      end,
      state: delivery ? 'delivered' : 'closed',
      received: 1,
      bytes: 10,
      closed_at: delivery ? end : null,
      delivered_at: delivery
        ? new Date(end.getTime() + delivery.afterEndMs)
        : null,
    });
    return { start, end };
  }

  async function deliver(
    knex: Knex,
    eventType: string,
    start: Date,
    deliveredAt: Date,
  ) {
    await knex('partitions')
      .where({ event_type: eventType, start })
      .update({ state: 'delivered', delivered_at: deliveredAt });
  }

  async function row(knex: Knex, eventType: string, start: Date) {
    const r = await knex('partitions')
      .where({ event_type: eventType, start })
      .first();
    const d = (v: unknown) =>
      v === null ? null : new Date(v as string).toISOString();
    return {
      breached: d(r.sla_breached_at),
      notified: d(r.sla_notified_at),
      recovered: d(r.sla_recovered_at),
    };
  }

  it.each(databases.eachSupportedId())(
    'links the notification to the delivery page under eventSchemas.portal.eventTypesPath, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      await addPartition(knex, OWNED, 0);
      const config = mockServices.rootConfig({
        data: { eventSchemas: { portal: { eventTypesPath: '/data/events/' } } },
      });

      at(HOUR + MINUTE);
      await monitor({ config }).runOnce();

      expect(notifications.sent.map(n => n.payload.link)).toEqual([
        `/data/events/${OWNED}/delivery`,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'records a breach once, notifies and signals once, across runs and concurrent monitors, %p',
    async databaseId => {
      const { knex, notifications, at, monitor, signals } = await setUp(
        databaseId,
      );
      const p = await addPartition(knex, OWNED, 0);

      // Not late until an hour after its end.
      at(HOUR);
      expect((await monitor().runOnce()).breached).toBe(0);
      expect(notifications.sent).toHaveLength(0);

      at(HOUR + MINUTE);
      const summaries = await Promise.all([
        monitor().runOnce(),
        monitor().runOnce(),
      ]);
      expect(summaries.map(s => s.breached).sort()).toEqual([0, 1]);
      expect(notifications.sent).toEqual([
        {
          recipients: { type: 'entity', entityRef: 'group:default/playback' },
          payload: {
            title: `Late delivery: ${OWNED}, 2026-11-23 09:00 UTC`,
            description: `The partition of ${OWNED} from 2026-11-23 09:00 UTC to 2026-11-23 10:00 UTC is not delivered 61 minutes after its end (it is closed); its SLA allows PT1H.`,
            link: `/event-types/${OWNED}/delivery`,
            severity: 'high',
            topic: 'delivery-sla',
            scope: `delivery-pipeline:sla:${OWNED}:2026-11-23T09:00:00.000Z`,
          },
        },
      ]);
      expect(await row(knex, OWNED, p.start)).toEqual({
        breached: '2026-11-23T11:01:00.000Z',
        notified: '2026-11-23T11:01:00.000Z',
        recovered: null,
      });

      // Later runs, concurrent or not, long after: nothing more.
      at(HOUR + 10 * MINUTE);
      await Promise.all([monitor().runOnce(), monitor().runOnce()]);
      at(5 * HOUR);
      expect(await monitor().runOnce()).toEqual({
        breached: 0,
        recovered: 0,
        notificationsSent: 0,
        notificationsFailed: 0,
      });
      expect(notifications.sent).toHaveLength(1);
      // The open delivery pages hear of it once, from the run that recorded it.
      expect(signals.publish.mock.calls).toEqual([
        [{ eventType: OWNED, partitionStart: p.start, state: 'late' }],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'never notifies partitions delivered on time, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      const onTime = await addPartition(knex, OWNED, 0, {
        afterEndMs: 30 * MINUTE,
      });
      const justInTime = await addPartition(knex, OWNED, HOUR, {
        afterEndMs: HOUR,
      });
      const pending = await addPartition(knex, OWNED, 2 * HOUR);

      for (const t of [HOUR, 2 * HOUR, 2 * HOUR + 50 * MINUTE]) {
        at(t);
        await monitor().runOnce();
      }
      await deliver(
        knex,
        OWNED,
        pending.start,
        new Date(T0.getTime() + 2 * HOUR + 55 * MINUTE),
      );
      for (const t of [3 * HOUR, 4 * HOUR, 3 * DAY]) {
        at(t);
        await monitor().runOnce();
      }
      expect(notifications.sent).toEqual([]);
      for (const p of [onTime, justInTime, pending]) {
        expect(await row(knex, OWNED, p.start)).toEqual({
          breached: null,
          notified: null,
          recovered: null,
        });
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'tells of a partition found late only once delivered in one notification, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      // Delivered 90 minutes after its end, while the monitor was not running.
      const p = await addPartition(knex, OWNED, 0, {
        afterEndMs: 90 * MINUTE,
      });
      at(2 * HOUR);
      expect(await monitor().runOnce()).toMatchObject({
        breached: 1,
        recovered: 0,
        notificationsSent: 1,
      });
      expect(notifications.sent).toHaveLength(1);
      expect(notifications.sent[0].payload).toMatchObject({
        severity: 'high',
        description: expect.stringContaining(
          'was delivered 90 minutes after its end; its SLA allows PT1H',
        ),
      });
      expect(await row(knex, OWNED, p.start)).toEqual({
        breached: '2026-11-23T12:00:00.000Z',
        notified: '2026-11-23T12:00:00.000Z',
        recovered: '2026-11-23T11:30:00.000Z',
      });
      at(3 * HOUR);
      await monitor().runOnce();
      expect(notifications.sent).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'sends a failed notification again on a later run, and only once, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      const p = await addPartition(knex, OWNED, 0);
      notifications.failing = true;
      at(HOUR + MINUTE);
      expect(await monitor().runOnce()).toMatchObject({
        breached: 1,
        notificationsSent: 0,
        notificationsFailed: 1,
      });
      expect((await row(knex, OWNED, p.start)).notified).toBeNull();

      notifications.failing = false;
      // A run right after does not resend what might still be in flight...
      at(HOUR + 2 * MINUTE);
      expect((await monitor().runOnce()).notificationsSent).toBe(0);
      // ...one once the breach is older than resendAfter does.
      at(HOUR + 7 * MINUTE);
      expect((await monitor().runOnce()).notificationsSent).toBe(1);
      expect(notifications.sent).toHaveLength(1);
      expect(notifications.sent[0].payload.scope).toBe(
        `delivery-pipeline:sla:${OWNED}:2026-11-23T09:00:00.000Z`,
      );
      expect(await row(knex, OWNED, p.start)).toEqual({
        breached: '2026-11-23T11:01:00.000Z',
        notified: '2026-11-23T11:07:00.000Z',
        recovered: null,
      });
      at(HOUR + 20 * MINUTE);
      await monitor().runOnce();
      expect(notifications.sent).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'records the recovery of a breached partition once and follows up in the same scope, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      const p = await addPartition(knex, OWNED, 0);
      at(HOUR + MINUTE);
      await monitor().runOnce();
      expect(notifications.sent).toHaveLength(1);

      const deliveredAt = new Date(T0.getTime() + 3 * HOUR);
      await deliver(knex, OWNED, p.start, deliveredAt);

      // The follow-up fails once: recorded and sent again next run.
      at(3 * HOUR + MINUTE);
      notifications.failing = true;
      expect(await monitor().runOnce()).toMatchObject({
        recovered: 1,
        notificationsFailed: 1,
      });
      expect((await row(knex, OWNED, p.start)).recovered).toBeNull();
      notifications.failing = false;

      at(3 * HOUR + 2 * MINUTE);
      const summaries = await Promise.all([
        monitor().runOnce(),
        monitor().runOnce(),
      ]);
      expect(summaries.map(s => s.recovered).sort()).toEqual([0, 1]);
      expect(notifications.sent).toHaveLength(2);
      expect(notifications.sent[1]).toEqual({
        recipients: { type: 'entity', entityRef: 'group:default/playback' },
        payload: {
          title: `Delivered late: ${OWNED}, 2026-11-23 09:00 UTC`,
          description: `The partition of ${OWNED} from 2026-11-23 09:00 UTC to 2026-11-23 10:00 UTC was delivered 180 minutes late (after its end), past its SLA of PT1H.`,
          link: `/event-types/${OWNED}/delivery`,
          severity: 'normal',
          topic: 'delivery-sla',
          scope: notifications.sent[0].payload.scope,
        },
      });
      expect(await row(knex, OWNED, p.start)).toEqual({
        breached: '2026-11-23T11:01:00.000Z',
        notified: '2026-11-23T11:01:00.000Z',
        recovered: deliveredAt.toISOString(),
      });

      at(4 * HOUR);
      await monitor().runOnce();
      expect(notifications.sent).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'records breaches of a type without owner but notifies nobody, %p',
    async databaseId => {
      const { knex, notifications, at, monitor, logger } = await setUp(
        databaseId,
      );
      const p = await addPartition(knex, ORPHAN, 0);
      at(2 * HOUR + MINUTE);
      expect(await monitor().runOnce()).toMatchObject({
        breached: 1,
        notificationsSent: 0,
        notificationsFailed: 0,
      });
      expect(notifications.sent).toEqual([]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `${ORPHAN} are past their SLA, but the type has no owner`,
        ),
      );
      expect(await row(knex, ORPHAN, p.start)).toEqual({
        breached: '2026-11-23T12:01:00.000Z',
        notified: null,
        recovered: null,
      });
      at(3 * HOUR);
      await monitor().runOnce();
      expect(notifications.sent).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'summarises many late partitions of one type in one notification, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      // The pipeline stopped: eleven hours undelivered.
      for (let h = 0; h <= 10; h++) {
        await addPartition(knex, OWNED, h * HOUR);
      }
      at(10 * HOUR + MINUTE);
      expect(await monitor({ summarizeAbove: 3 }).runOnce()).toMatchObject({
        breached: 10,
        notificationsSent: 1,
      });
      expect(notifications.sent).toHaveLength(1);
      expect(notifications.sent[0].payload).toMatchObject({
        title: `Late delivery: 10 partitions of ${OWNED}`,
        scope: `delivery-pipeline:sla:${OWNED}:2026-11-23T09:00:00.000Z`,
        severity: 'high',
      });
      expect(
        await knex('partitions')
          .whereNotNull('sla_notified_at')
          .select('start'),
      ).toHaveLength(10);

      // The next hour: one more, on its own.
      at(11 * HOUR + MINUTE);
      expect((await monitor().runOnce()).breached).toBe(1);
      expect(notifications.sent).toHaveLength(2);
      expect(notifications.sent[1].payload.title).toBe(
        `Late delivery: ${OWNED}, 2026-11-23 19:00 UTC`,
      );

      // The pipeline catches up: one follow-up, in the first summary's scope.
      await knex('partitions')
        .where({ event_type: OWNED })
        .update({
          state: 'delivered',
          delivered_at: new Date(T0.getTime() + 11 * HOUR + 30 * MINUTE),
        });
      at(11 * HOUR + 31 * MINUTE);
      expect(await monitor().runOnce()).toMatchObject({
        recovered: 11,
        notificationsSent: 1,
      });
      expect(notifications.sent).toHaveLength(3);
      expect(notifications.sent[2].payload).toMatchObject({
        title: `Delivered late: 11 partitions of ${OWNED}`,
        description: `11 late partitions of ${OWNED} from 2026-11-23 09:00 UTC to 2026-11-23 20:00 UTC were delivered between 90 and 690 minutes late (after their end), past their SLA of PT1H.`,
        scope: notifications.sent[0].payload.scope,
        severity: 'normal',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'looks only at recent partitions, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      const old = await addPartition(knex, OWNED, 0);
      at(8 * DAY);
      expect((await monitor().runOnce()).breached).toBe(0);
      expect(notifications.sent).toEqual([]);
      expect((await row(knex, OWNED, old.start)).breached).toBeNull();
    },
  );

  it.each(databases.eachSupportedId())(
    'checks the other types when the policy of one cannot be read, then throws, %p',
    async databaseId => {
      const { knex, notifications, at, monitor } = await setUp(databaseId);
      await addPartition(knex, BROKEN, 0);
      await addPartition(knex, OWNED, 0);
      at(3 * HOUR);
      await expect(monitor().runOnce()).rejects.toThrow(
        `registry unreachable for ${BROKEN}`,
      );
      expect(notifications.sent).toHaveLength(1);
      expect(
        await knex('partitions')
          .where({ event_type: BROKEN })
          .whereNotNull('sla_breached_at'),
      ).toHaveLength(0);
    },
  );
});
