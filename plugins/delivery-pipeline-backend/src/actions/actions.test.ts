import {
  BackstageCredentials,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import request from 'supertest';
import {
  PLAYBACK,
  Server,
  startPipeline,
  stopPipelines,
  user,
} from '../__testUtils__/pipelineTestBackend';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const SLA = 2 * HOUR; // the demo playback type's maxLateness, PT2H
const alice = mockCredentials.user('user:default/alice');

describe.each(TestDatabases.create().eachSupportedId())(
  'delivery-pipeline actions on %s',
  databaseId => {
    const databases = TestDatabases.create({ ids: [databaseId] });
    const actions = actionsRegistryServiceMock();
    let server: Server;
    // Hour k before the current hour: H(0) is the hour now is in.
    const currentHour = Math.floor(Date.now() / HOUR) * HOUR;
    const H = (k: number) => new Date(currentHour - k * HOUR);
    const iso = (k: number) => H(k).toISOString();
    const from = iso(20);

    const invoke = (
      name: string,
      input: JsonObject,
      credentials: BackstageCredentials = alice,
    ) => actions.invoke({ id: `test:${name}`, input, credentials });

    beforeAll(async () => {
      const registry = await databases.init(databaseId as TestDatabaseId);
      const pipeline: Knex = await databases.init(databaseId as TestDatabaseId);
      ({ server } = await startPipeline(
        {},
        [
          createServiceFactory({
            service: actionsRegistryServiceRef,
            deps: {},
            factory: () => actions,
          }),
        ],
        { registry, pipeline },
      ));
      // The playback type's hours, as the stages leave them: on time, one
      // delivered late, two without a partition, one closed and overdue,
      // then on time up to the open hour. (Rows, since the stages cannot be
      // run hours late in a test.)
      const partition = (
        k: number,
        state: string,
        deliveredAt?: Date,
        closedAt?: Date,
      ) => ({
        event_type: PLAYBACK,
        start: H(k),
        end: H(k - 1),
        state,
        received: 10 + k,
        bytes: 1000,
        delivered: deliveredAt ? 10 + k : null,
        closed_at: closedAt ?? deliveredAt ?? null,
        delivered_at: deliveredAt ?? null,
      });
      const minute = (k: number) => new Date(H(k).getTime() + 60_000);
      await pipeline('partitions').insert([
        partition(10, 'delivered', minute(9)),
        partition(9, 'delivered', H(5)), // 3 h after its end: late
        // 8 and 7: no partition at all
        partition(6, 'closed', undefined, minute(5)), // overdue since H(3)
        partition(5, 'delivered', minute(4)),
        partition(4, 'delivered', minute(3)),
        partition(3, 'delivered', minute(2)),
        partition(2, 'closed', undefined, H(1)), // not yet due
        partition(1, 'closed', undefined, H(0)),
        partition(0, 'open'),
      ]);
    });
    afterAll(stopPipelines);

    it('registers both actions as read-only', async () => {
      const { actions: listed } = await actions.list();
      expect(
        Object.fromEntries(listed.map(a => [a.name, a.attributes.readOnly])),
      ).toMatchObject({
        'get-delivery-health': true,
        'list-late-partitions': true,
      });
    });

    it('gets the delivery health the route answers', async () => {
      const { output } = await invoke('get-delivery-health', {
        eventType: PLAYBACK,
        from,
      });
      expect(output).toMatchObject({
        eventType: PLAYBACK,
        sla: { maxLatenessMs: SLA, source: 'registry' },
        // Decided in the window: four on time, two late.
        slaCompliance: { due: 6, met: 4 },
        partitions: {
          open: 1,
          closed: 3,
          delivered: 5,
          missing: 2,
        },
        lastDelivered: { start: iso(3), deliveredAt: minute(2) },
      });
      const route = await request(server)
        .get(
          `/api/delivery-pipeline/event-types/${PLAYBACK}/health?from=${from}&to=${
            (output as any).window.to
          }`,
        )
        .set('Authorization', user);
      expect(route.status).toBe(200);
      // The route adds the deprecated fields, nothing else.
      expect(route.body).toMatchObject(output as object);

      function minute(k: number) {
        return new Date(H(k).getTime() + 60_000).toISOString();
      }
    });

    it('lists the late partitions and the missing windows', async () => {
      const { output } = await invoke('list-late-partitions', {
        eventType: PLAYBACK,
        from,
      });
      expect(output).toEqual({
        eventType: PLAYBACK,
        window: { from, to: expect.any(String) },
        maxLatenessMs: SLA,
        late: [
          {
            start: iso(9),
            end: iso(8),
            state: 'delivered',
            deadline: iso(6),
            deliveredAt: iso(5),
            latenessMs: 3 * HOUR,
            received: 19,
          },
          {
            start: iso(6),
            end: iso(5),
            state: 'closed',
            deadline: iso(3),
            received: 16,
          },
        ],
        lateTotal: 2,
        missing: [
          { start: iso(8), end: iso(7), deadline: iso(5) },
          { start: iso(7), end: iso(6), deadline: iso(4) },
        ],
        missingTotal: 2,
      });
      // A window after the late ones: nothing late, nothing missing.
      const since = await invoke('list-late-partitions', {
        eventType: PLAYBACK,
        from: iso(2),
      });
      expect(since.output).toMatchObject({
        late: [],
        lateTotal: 0,
        missing: [],
        missingTotal: 0,
      });
    });

    it('answers a registered type without partitions, and not an unknown one', async () => {
      const quiet = await invoke('list-late-partitions', {
        eventType: 'com.example.search.performed',
      });
      expect(quiet.output).toMatchObject({ late: [], missing: [] });
      for (const name of ['get-delivery-health', 'list-late-partitions']) {
        await expect(
          invoke(name, { eventType: 'com.example.nope' }),
        ).rejects.toMatchObject({
          name: 'NotFoundError',
          message:
            "Event type 'com.example.nope' is not registered and no partitions of it were ever received",
        });
      }
    });

    it('refuses bad input and anonymous callers', async () => {
      for (const name of ['get-delivery-health', 'list-late-partitions']) {
        await expect(
          invoke(name, { eventType: 'has space' }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining('eventType must be an event type'),
        });
        await expect(
          invoke(name, { eventType: PLAYBACK, from: iso(1), to: iso(2) }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining("'from' must be before 'to'"),
        });
        await expect(
          invoke(name, { eventType: PLAYBACK, from: 'yesterday' }),
        ).rejects.toMatchObject({ name: 'InputError' });
        await expect(
          invoke(name, { eventType: PLAYBACK, from: iso(24 * 40) }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringContaining('deliveryPipeline.api.maxWindow'),
        });
        await expect(
          invoke(name, { eventType: PLAYBACK }, mockCredentials.none()),
        ).rejects.toMatchObject({ name: 'AuthenticationError' });
      }
    });
  },
);
