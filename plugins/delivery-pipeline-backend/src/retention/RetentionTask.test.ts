import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  partitionFolder,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseRetentionStore } from '../database/DatabaseRetentionStore';
import { migrateDatabase } from '../database/migrateDatabase';
import {
  EventTypePolicy,
  EventTypePolicySource,
} from '../policies/EventTypePolicies';
import { LocalPartitionStorage } from '../storage/LocalPartitionStorage';
import { RetentionTask } from './RetentionTask';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-11-23T12:00:00Z');
const SHORT = 'com.example.short'; // raw P1D, delivered P7D
const FOREVER = 'com.example.forever'; // no retention

/** Start of the hour `hoursAgo` hours before NOW. */
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR);

function policy(
  eventType: string,
  retention: EventTypePolicy['retention'],
): EventTypePolicy {
  return {
    eventType,
    owner: 'group:default/team',
    registered: true,
    maxLatenessMs: 4 * HOUR,
    maxLateness: 'PT4H',
    slaSource: 'registry',
    retention,
  };
}

const POLICIES: Record<string, EventTypePolicy> = {
  [SHORT]: policy(SHORT, {
    rawMs: DAY,
    deliveredMs: 7 * DAY,
    raw: 'P1D',
    delivered: 'P7D',
  }),
  [FOREVER]: policy(FOREVER, {}),
};

const fakePolicies: EventTypePolicySource = {
  async get(eventType) {
    const found = POLICIES[eventType];
    if (!found) throw new Error(`no policy for ${eventType}`);
    return found;
  },
};

describe('RetentionTask', () => {
  const databases = TestDatabases.create();
  let dir: string;
  let storage: LocalPartitionStorage;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'retention-test-'));
    storage = new LocalPartitionStorage({ directory: dir });
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => knex });
    return knex;
  }

  function createTask(
    knex: Knex,
    options: { storage?: PartitionStorage; batchSize?: number } = {},
  ) {
    return new RetentionTask({
      store: new DatabaseRetentionStore(knex),
      storage: options.storage ?? storage,
      policies: fakePolicies,
      logger: mockServices.logger.mock(),
      now: () => NOW,
      batchSize: options.batchSize,
    });
  }

  /**
   * A partition that ended `endedHoursAgo` hours ago, with two raw files and,
   * once delivered, a data file, a manifest and a sidecar.
   */
  async function addPartition(
    knex: Knex,
    eventType: string,
    endedHoursAgo: number,
    state: 'open' | 'closed' | 'delivered' | 'expired',
  ) {
    const start = hoursAgo(endedHoursAgo + 1);
    const end = hoursAgo(endedHoursAgo);
    const raw = partitionFolder({
      kind: 'raw',
      eventType,
      start: start.getTime(),
      widthMs: HOUR,
    });
    const rawPaths = [`${raw}/part-1.ndjson.gz`, `${raw}/part-2.ndjson.gz`];
    for (const p of rawPaths) await storage.write(p, Buffer.from('raw'));
    await knex('raw_files').insert(
      rawPaths.map(p => ({
        path: p,
        event_type: eventType,
        partition_start: start,
        events: 10,
        bytes: 1000,
        written_at: end,
      })),
    );
    const delivered = partitionFolder({
      kind: 'delivered',
      eventType,
      start: start.getTime(),
      widthMs: HOUR,
    });
    const deliveredPaths = [
      `${delivered}/part-0.ndjson.gz`,
      `${delivered}/_manifest.json`,
      `${delivered}/_stats.json`,
    ];
    if (state === 'delivered') {
      for (const p of deliveredPaths) await storage.write(p, Buffer.from('d'));
    }
    await knex('partitions').insert({
      event_type: eventType,
      start,
      end,
      state,
      received: 20,
      bytes: 2000,
      closed_at: state === 'open' ? null : end,
      delivered_at:
        state === 'delivered' || state === 'expired'
          ? new Date(end.getTime() + 600_000)
          : null,
      expired_at: state === 'expired' ? end : null,
    });
    return { start, end, rawPaths, deliveredPaths };
  }

  async function exists(p: string) {
    return fs
      .access(path.join(dir, p))
      .then(() => true)
      .catch(() => false);
  }

  async function partitionRow(knex: Knex, eventType: string, start: Date) {
    return knex('partitions').where({ event_type: eventType, start }).first();
  }

  async function deletions(knex: Knex) {
    return (
      await new DatabaseRetentionStore(knex).listDeletions({ limit: 1000 })
    ).items;
  }

  it.each(databases.eachSupportedId())(
    'deletes raw files a crashed consumer wrote but never recorded, only with their expired partition, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const expired = await addPartition(knex, SHORT, 48, 'delivered');
      const open = await addPartition(knex, SHORT, 30 * 24, 'open');
      const orphan = (rawPaths: string[]) =>
        rawPaths[0].replace('part-1', 'part-orphan');
      await storage.write(orphan(expired.rawPaths), Buffer.from('copy'));
      await storage.write(orphan(open.rawPaths), Buffer.from('copy'));

      expect(await createTask(knex).runOnce()).toEqual({
        raw: 1,
        delivered: 0,
        failed: 0,
      });
      expect(await exists(orphan(expired.rawPaths))).toBe(false);
      expect(await exists(orphan(open.rawPaths))).toBe(true);
      const [deletion] = await deletions(knex);
      expect(deletion).toMatchObject({ kind: 'raw', files: 3 });
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes and records exactly the partitions past their policy, never open or closed ones, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      // Raw retention P1D, delivered P7D.
      const openOld = await addPartition(knex, SHORT, 30 * 24, 'open');
      const closedOld = await addPartition(knex, SHORT, 30 * 24 - 1, 'closed');
      const deliveredRecent = await addPartition(knex, SHORT, 2, 'delivered');
      const rawExpired = await addPartition(knex, SHORT, 48, 'delivered');
      const bothExpired = await addPartition(knex, SHORT, 8 * 24, 'delivered');
      const forever = await addPartition(knex, FOREVER, 365 * 24, 'delivered');

      const summary = await createTask(knex).runOnce();
      expect(summary).toEqual({ raw: 2, delivered: 1, failed: 0 });

      // Untouched: open, closed (however old), inside the policy, no policy.
      for (const p of [openOld, closedOld, deliveredRecent, forever]) {
        for (const file of p.rawPaths) expect(await exists(file)).toBe(true);
      }
      for (const p of [deliveredRecent, forever]) {
        for (const file of p.deliveredPaths) {
          expect(await exists(file)).toBe(true);
        }
      }
      expect((await partitionRow(knex, SHORT, openOld.start)).state).toBe(
        'open',
      );
      expect((await partitionRow(knex, SHORT, closedOld.start)).state).toBe(
        'closed',
      );
      expect(
        (await partitionRow(knex, SHORT, deliveredRecent.start)).raw_deleted_at,
      ).toBeNull();

      // Raw files gone from storage and from raw_files; delivered kept.
      for (const file of rawExpired.rawPaths) {
        expect(await exists(file)).toBe(false);
      }
      for (const file of rawExpired.deliveredPaths) {
        expect(await exists(file)).toBe(true);
      }
      const rawRow = await partitionRow(knex, SHORT, rawExpired.start);
      expect(rawRow.state).toBe('delivered');
      expect(new Date(rawRow.raw_deleted_at)).toEqual(NOW);

      // Both raw and delivered gone: expired.
      for (const file of [
        ...bothExpired.rawPaths,
        ...bothExpired.deliveredPaths,
      ]) {
        expect(await exists(file)).toBe(false);
      }
      const bothRow = await partitionRow(knex, SHORT, bothExpired.start);
      expect(bothRow.state).toBe('expired');
      expect(new Date(bothRow.expired_at)).toEqual(NOW);
      expect(new Date(bothRow.raw_deleted_at)).toEqual(NOW);

      expect(
        (await knex('raw_files').select('path').orderBy('path')).map(
          r => r.path,
        ),
      ).toEqual(
        [openOld, closedOld, deliveredRecent, forever]
          .flatMap(p => p.rawPaths)
          .sort(),
      );

      const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
      expect((await deletions(knex)).map(({ id, ...rest }) => rest)).toEqual(
        expect.arrayContaining([
          {
            eventType: SHORT,
            partitionStart: rawExpired.start.toISOString(),
            partitionEnd: rawExpired.end.toISOString(),
            kind: 'raw',
            files: 2,
            bytes: 2000,
            deletedAt: NOW.toISOString(),
            reason: `raw retention P1D of ${SHORT} passed: the partition ended ${iso(
              rawExpired.end,
            )}`,
          },
          {
            eventType: SHORT,
            partitionStart: bothExpired.start.toISOString(),
            partitionEnd: bothExpired.end.toISOString(),
            kind: 'raw',
            files: 2,
            bytes: 2000,
            deletedAt: NOW.toISOString(),
            reason: `raw retention P1D of ${SHORT} passed: the partition ended ${iso(
              bothExpired.end,
            )}`,
          },
          {
            eventType: SHORT,
            partitionStart: bothExpired.start.toISOString(),
            partitionEnd: bothExpired.end.toISOString(),
            kind: 'delivered',
            files: 3,
            bytes: undefined,
            deletedAt: NOW.toISOString(),
            reason: `delivered retention P7D of ${SHORT} passed: the partition ended ${iso(
              bothExpired.end,
            )}`,
          },
        ]),
      );
      expect(await deletions(knex)).toHaveLength(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'is a no-op when run again, and deletes raw files of expired partitions later, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      await addPartition(knex, SHORT, 48, 'delivered');
      const expired = await addPartition(knex, SHORT, 10, 'expired');
      const task = createTask(knex);

      expect(await task.runOnce()).toEqual({ raw: 1, delivered: 0, failed: 0 });
      expect(await task.runOnce()).toEqual({ raw: 0, delivered: 0, failed: 0 });
      expect(await deletions(knex)).toHaveLength(1);
      // Expired (delivered data gone) but raw retention not yet passed.
      for (const file of expired.rawPaths)
        expect(await exists(file)).toBe(true);

      const later = new RetentionTask({
        store: new DatabaseRetentionStore(knex),
        storage,
        policies: fakePolicies,
        logger: mockServices.logger.mock(),
        now: () => new Date(NOW.getTime() + DAY),
      });
      expect(await later.runOnce()).toEqual({
        raw: 1,
        delivered: 0,
        failed: 0,
      });
      for (const file of expired.rawPaths) {
        expect(await exists(file)).toBe(false);
      }
      expect(await later.runOnce()).toEqual({
        raw: 0,
        delivered: 0,
        failed: 0,
      });
      expect(await deletions(knex)).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'records on the next run what a crashed run deleted without recording, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const p = await addPartition(knex, SHORT, 8 * 24, 'delivered');
      // The crashed run deleted the files, then died before recording.
      for (const file of [...p.rawPaths, ...p.deliveredPaths]) {
        await storage.delete(file);
      }

      expect(await createTask(knex).runOnce()).toEqual({
        raw: 1,
        delivered: 1,
        failed: 0,
      });
      const row = await partitionRow(knex, SHORT, p.start);
      expect(row.state).toBe('expired');
      expect(row.raw_deleted_at).not.toBeNull();
      expect(
        Number((await knex('raw_files').count({ n: '*' }).first())!.n),
      ).toBe(0);
      // Raw files are known from raw_files; the delivered ones were gone.
      expect(
        (await deletions(knex)).map(d => [d.kind, d.files]).sort(),
      ).toEqual([
        ['delivered', 0],
        ['raw', 2],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'records each deletion once when two runs overlap, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      for (let h = 0; h < 6; h++) {
        await addPartition(knex, SHORT, 8 * 24 + h, 'delivered');
      }
      const summaries = await Promise.all([
        createTask(knex, { batchSize: 4 }).runOnce(),
        createTask(knex, { batchSize: 4 }).runOnce(),
      ]);
      expect(summaries[0].raw + summaries[1].raw).toBe(6);
      expect(summaries[0].delivered + summaries[1].delivered).toBe(6);
      expect(summaries[0].failed + summaries[1].failed).toBe(0);
      const all = await deletions(knex);
      expect(all.filter(d => d.kind === 'raw')).toHaveLength(6);
      expect(all.filter(d => d.kind === 'delivered')).toHaveLength(6);
      expect(await storage.list('')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'works through a backlog in batches, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      for (let h = 0; h < 7; h++) {
        await addPartition(knex, SHORT, 8 * 24 + h, 'delivered');
      }
      await addPartition(knex, SHORT, 1, 'delivered');
      const summary = await createTask(knex, { batchSize: 2 }).runOnce();
      expect(summary).toEqual({ raw: 7, delivered: 7, failed: 0 });
      const states = await knex('partitions').select('state');
      expect(states.filter(s => s.state === 'expired')).toHaveLength(7);
      expect(states.filter(s => s.state === 'delivered')).toHaveLength(1);
      expect(await deletions(knex)).toHaveLength(14);
    },
  );

  it.each(databases.eachSupportedId())(
    'skips a partition whose files cannot be deleted and tries it again next run, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const bad = await addPartition(knex, SHORT, 48, 'delivered');
      const good = await addPartition(knex, SHORT, 49, 'delivered');
      let failing = true;
      const flaky: PartitionStorage = {
        write: (p, c) => storage.write(p, c),
        read: p => storage.read(p),
        list: p => storage.list(p),
        url: p => storage.url(p),
        delete: async p => {
          if (failing && p === bad.rawPaths[1]) throw new Error('EACCES');
          await storage.delete(p);
        },
      };
      const task = createTask(knex, { storage: flaky });
      expect(await task.runOnce()).toEqual({ raw: 1, delivered: 0, failed: 1 });
      expect(
        (await partitionRow(knex, SHORT, bad.start)).raw_deleted_at,
      ).toBeNull();
      expect(
        (await partitionRow(knex, SHORT, good.start)).raw_deleted_at,
      ).not.toBeNull();

      failing = false;
      expect(await task.runOnce()).toEqual({ raw: 1, delivered: 0, failed: 0 });
      expect(await deletions(knex)).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes every object of a delivered partition, and only its own, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const p = await addPartition(knex, SHORT, 8 * 24, 'delivered');
      const folder = partitionFolder({
        kind: 'delivered',
        eventType: SHORT,
        start: p.start.getTime(),
        widthMs: HOUR,
      });
      // Narrower partitions of the same hour (the width was changed), and
      // the next hour's partition.
      const others = [
        `${folder}/15-00/part-0.ndjson.gz`,
        `${folder}/15-00/_manifest.json`,
        `${partitionFolder({
          kind: 'delivered',
          eventType: SHORT,
          start: p.end.getTime(),
          widthMs: HOUR,
        })}/part-0.ndjson.gz`,
      ];
      for (const other of others) await storage.write(other, Buffer.from('x'));
      await storage.write(
        `${folder}/nested/part-9.ndjson.gz`,
        Buffer.from('x'),
      );

      expect((await createTask(knex).runOnce()).delivered).toBe(1);
      expect(await storage.list(folder)).toEqual(others.slice(0, 2).sort());
      for (const other of others) expect(await exists(other)).toBe(true);
      expect(
        (await deletions(knex)).find(d => d.kind === 'delivered')?.files,
      ).toBe(4);
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes nothing when the policies cannot be read, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const p = await addPartition(knex, SHORT, 8 * 24, 'delivered');
      const task = new RetentionTask({
        store: new DatabaseRetentionStore(knex),
        storage,
        policies: {
          get: async () => {
            throw new Error('registry unreachable');
          },
        },
        logger: mockServices.logger.mock(),
        now: () => NOW,
      });
      await expect(task.runOnce()).rejects.toThrow('registry unreachable');
      for (const file of [...p.rawPaths, ...p.deliveredPaths]) {
        expect(await exists(file)).toBe(true);
      }
      expect(await deletions(knex)).toHaveLength(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'expires a partition delivered empty, logging only what it deleted, %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      // A quiet window: no raw files, a manifest alone.
      const start = hoursAgo(8 * 24 + 1);
      const folder = partitionFolder({
        kind: 'delivered',
        eventType: SHORT,
        start: start.getTime(),
        widthMs: HOUR,
      });
      await storage.write(`${folder}/_manifest.json`, Buffer.from('{}'));
      await knex('partitions').insert({
        event_type: SHORT,
        start,
        end: hoursAgo(8 * 24),
        state: 'delivered',
        received: 0,
        bytes: 0,
        delivered: 0,
        closed_at: hoursAgo(8 * 24),
        delivered_at: hoursAgo(8 * 24),
      });

      expect(await createTask(knex).runOnce()).toEqual({
        raw: 1,
        delivered: 1,
        failed: 0,
      });
      const row = await partitionRow(knex, SHORT, start);
      expect(row.state).toBe('expired');
      expect(row.raw_deleted_at).not.toBeNull();
      expect(await exists(`${folder}/_manifest.json`)).toBe(false);
      // Its manifest's deletion is logged; "no raw files deleted" is not.
      expect(await deletions(knex)).toEqual([
        expect.objectContaining({ kind: 'delivered', files: 1 }),
      ]);
      // Done: a second run finds nothing.
      expect(await createTask(knex).runOnce()).toEqual({
        raw: 0,
        delivered: 0,
        failed: 0,
      });
    },
  );
});
