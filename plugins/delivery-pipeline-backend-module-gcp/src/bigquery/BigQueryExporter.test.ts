import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import {
  DeliveredPartition,
  manifestPathOf,
  partitionFolder,
  PartitionStorage,
} from '@data-collection/plugin-delivery-pipeline-node';
import { describeExporterConformance } from '@data-collection/plugin-delivery-pipeline-node/testUtils';
import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { setupServer } from 'msw/node';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  FakeBigQuery,
  testBigQueryClient,
} from '../__testUtils__/fakeBigQuery';
import { BigQueryExporter, slotsOf } from './BigQueryExporter';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { BigQueryTables } from './tables';

const PROJECT = 'test-project';
const TYPE = 'com.example.search.performed';
const TABLE = 'com_example_search_performed';
const HOUR = Date.parse('2026-11-23T10:00:00Z');
const HOUR_ID = '2026112310';

class MemoryStorage implements PartitionStorage {
  readonly objects = new Map<string, Buffer>();
  async write(path: string, content: Buffer) {
    this.objects.set(path, content);
  }
  async read(path: string) {
    const content = this.objects.get(path);
    if (!content) throw new NotFoundError(path);
    return content;
  }
  async list(prefix: string) {
    return [...this.objects.keys()].filter(k => k.startsWith(prefix)).sort();
  }
  async delete(path: string) {
    this.objects.delete(path);
  }
  url(path: string) {
    return `memory:///${path}`;
  }
}

const registry = {
  async getEventType(name: string): Promise<EventType | undefined> {
    return {
      name,
      owner: 'group:default/search',
      lifecycle: 'production',
      tags: [],
      format: 'avro',
      compatibility: 'FULL',
      retention: { raw: 'P7D', delivered: 'P30D' },
      sla: { maxLateness: 'PT2H' },
      personalDataFields: ['user_id', 'query'],
      latestVersion: 1,
      createdBy: 'user:default/me',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
  },
  // The schemas reference no other version: nothing is looked up.
  async getVersion(): Promise<EventTypeVersion | undefined> {
    return undefined;
  },
  async getLatestVersion(name: string): Promise<EventTypeVersion | undefined> {
    return {
      eventType: name,
      version: 1,
      schema: JSON.stringify({
        type: 'record',
        name: 'SearchPerformed',
        namespace: 'com.example.search',
        fields: [
          { name: 'user_id', type: 'string' },
          { name: 'query', type: 'string' },
          { name: 'results', type: 'int', default: 0 },
          {
            name: 'at',
            type: { type: 'long', logicalType: 'timestamp-millis' },
          },
        ],
      }),
      fingerprint: 'sha256:x',
      createdBy: 'user:default/me',
      createdAt: '2026-01-01T00:00:00Z',
    };
  },
};

/** Writes a delivered partition the way the deduper does: gzip NDJSON files. */
async function deliver(
  storage: PartitionStorage,
  options: {
    start?: number;
    widthMs?: number;
    events: number;
    perFile?: number;
    tag?: string;
    /** The events' `time`, as the producer wrote it. */
    time?: string;
    /** The events' `data` as stored, for event `i`. */
    data?: (i: number, receivedAt: number) => Record<string, unknown>;
  },
): Promise<DeliveredPartition> {
  const start = options.start ?? HOUR;
  const widthMs = options.widthMs ?? 3_600_000;
  const folder = partitionFolder({
    kind: 'delivered',
    eventType: TYPE,
    start,
    widthMs,
  });
  const perFile = options.perFile ?? options.events;
  const files: DeliveredPartition['files'] = [];
  for (let first = 0; first < options.events; first += perFile) {
    const lines: string[] = [];
    for (let i = first; i < Math.min(options.events, first + perFile); i++) {
      const receivedAt = start + Math.floor((i * widthMs) / options.events);
      lines.push(
        JSON.stringify({
          specversion: '1.0',
          id: `${options.tag ?? 'e'}-${i}`,
          source: '/search',
          type: TYPE,
          time: options.time ?? new Date(receivedAt - 5).toISOString(),
          datacontenttype: 'application/json',
          data: options.data?.(i, receivedAt) ?? {
            user_id: `u${i}`,
            query: 'jazz',
            results: i,
            at: receivedAt - 5,
          },
          receivedAt: new Date(receivedAt).toISOString(),
        }),
      );
    }
    const content = gzipSync(`${lines.join('\n')}\n`);
    const path = `${folder}/part-${String(files.length).padStart(
      5,
      '0',
    )}.ndjson.gz`;
    await storage.write(path, content);
    files.push({
      path,
      events: lines.length,
      bytes: content.length,
      sha256: `sha256:${createHash('sha256').update(content).digest('hex')}`,
    });
  }
  const checksum = `sha256:${createHash('sha256')
    .update(files.map(f => f.sha256).join(''))
    .digest('hex')}`;
  return {
    eventType: TYPE,
    start,
    end: start + widthMs,
    folder,
    files,
    manifestPath: manifestPathOf(folder),
    events: options.events,
    checksum,
  };
}

describe('BigQueryExporter', () => {
  const fake = new FakeBigQuery();
  const server = setupServer(...fake.handlers());
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => fake.clearFaults());
  afterAll(() => server.close());

  let datasets = 0;
  function setup(
    eventTypes: Pick<
      EventTypeReader,
      'getEventType' | 'getLatestVersion' | 'getVersion'
    > = registry,
  ) {
    datasets += 1;
    const datasetId = `warehouse_${datasets}`;
    const logger = mockServices.logger.mock();
    const bigquery = testBigQueryClient({ projectId: PROJECT });
    const storage = new MemoryStorage();
    const tables = new BigQueryTables({
      bigquery,
      datasetId,
      location: 'US',
      eventTypes,
      logger,
    });
    const exporter = new BigQueryExporter({
      bigquery,
      tables,
      storage,
      logger,
      pollIntervalMs: 1,
    });
    const rows = (partition?: string) =>
      fake.rows(PROJECT, datasetId, TABLE, partition);
    const uploads = () =>
      fake.requests.filter(r => r.startsWith('POST /upload/')).length;
    const jobsOf = () =>
      fake
        .jobs()
        .filter(
          (job: any) =>
            job.configuration.load.destinationTable.datasetId === datasetId,
        );
    return { datasetId, logger, storage, exporter, rows, uploads, jobsOf };
  }

  // A fresh dataset for each test. Partitions of whole hours replace their
  // hour (WRITE_TRUNCATE on its decorator), narrower ones append.
  describeExporterConformance([['bigquery']], async () => {
    const { storage, exporter, rows } = setup();
    return {
      exporter,
      storage,
      eventType: TYPE,
      data: (i, receivedAt) => ({
        user_id: `u${i}`,
        query: 'jazz',
        results: i,
        at: receivedAt - 5,
      }),
      exportedIds: async () => rows().map(row => String(row.id)),
      failNext: () =>
        fake.failNext(
          { method: 'POST', path: /^\/upload\// },
          { status: 403, reason: 'quotaExceeded' },
        ),
    };
  });

  it('loads a partition into its hour with a job named after it', async () => {
    const { storage, exporter, rows, jobsOf, datasetId } = setup();
    const partition = await deliver(storage, { events: 5, perFile: 2 });

    await exporter.export(partition);

    expect(rows(HOUR_ID)).toHaveLength(5);
    expect(rows(HOUR_ID)[0]).toEqual({
      specversion: '1.0',
      id: 'e-0',
      source: '/search',
      type: TYPE,
      time: '2026-11-23T09:59:59.995Z',
      datacontenttype: 'application/json',
      received_at: '2026-11-23T10:00:00.000Z',
      data: {
        user_id: 'u0',
        query: 'jazz',
        results: 0,
        at: '2026-11-23T09:59:59.995000Z',
      },
    });
    const [job] = jobsOf() as any[];
    expect(job.jobReference.jobId).toBe(
      `delivery_${datasetId}_${TABLE}_20261123T100000Z_${partition.checksum.slice(
        7,
        23,
      )}`,
    );
    expect(job.configuration.load).toMatchObject({
      destinationTable: { tableId: `${TABLE}$${HOUR_ID}` },
      writeDisposition: 'WRITE_TRUNCATE',
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
    });
  });

  it('exports a partition delivered empty without a job, leaving its hour empty', async () => {
    const { storage, exporter, rows, jobsOf, uploads, datasetId } = setup();
    const empty = await deliver(storage, { events: 0 });
    expect(empty.files).toEqual([]);
    const uploadsBefore = uploads();

    await exporter.export(empty);

    expect(jobsOf()).toEqual([]);
    expect(uploads()).toBe(uploadsBefore);
    expect(rows(HOUR_ID)).toEqual([]);
    // The quiet type's table exists, for its readers.
    expect(fake.table(PROJECT, datasetId, TABLE)).toBeDefined();
    // The next hour, with events, loads as usual.
    await exporter.export(
      await deliver(storage, { events: 2, start: HOUR + 3_600_000 }),
    );
    expect(rows('2026112311')).toHaveLength(2);
    expect(rows(HOUR_ID)).toEqual([]);
  });

  describe('personal data', () => {
    const KEY = 'Zm9vYmFyYmF6cXV4cXV1eA';
    /** The search type with a location record, and `personal` personal. */
    const registryWith = (personal: string[]) => ({
      getVersion: registry.getVersion,
      async getEventType(name: string) {
        return {
          ...(await registry.getEventType(name))!,
          personalDataFields: ['user_id', ...personal],
          dataSubject: 'user_id',
          latestVersion: 2,
        };
      },
      async getLatestVersion(name: string) {
        const latest = (await registry.getLatestVersion(name))!;
        const schema = JSON.parse(latest.schema);
        schema.fields.push({
          name: 'location',
          type: [
            'null',
            {
              type: 'record',
              name: 'Location',
              fields: [
                { name: 'lat', type: 'double' },
                { name: 'lon', type: 'double' },
              ],
            },
          ],
          default: null,
        });
        return { ...latest, version: 2, schema: JSON.stringify(schema) };
      },
    });

    it('loads the ciphertext and pseudonyms ingest stored into STRING columns, whatever the schema types', async () => {
      const { storage, exporter, rows } = setup(
        registryWith(['query', 'results', 'location']),
      );
      const stored = (i: number, receivedAt: number) => ({
        user_id: `ps1:${KEY}`,
        query: `pd1:${KEY}:cXVlcnk${i}`,
        results: `pd1:${KEY}:cmVzdWx0cw${i}`,
        at: receivedAt - 5,
        location: `pd1:${KEY}:bG9jYXRpb24${i}`,
      });

      await exporter.export(
        await deliver(storage, { events: 2, data: stored }),
      );

      expect(rows(HOUR_ID).map(row => row.data)).toEqual([
        { ...stored(0, HOUR), at: '2026-11-23T09:59:59.995000Z' },
        { ...stored(1, HOUR + 1_800_000), at: '2026-11-23T10:29:59.995000Z' },
      ]);
    });

    it('fails the export, saying why, when a field became personal after its table was created', async () => {
      let current = registryWith([]);
      const { storage, exporter, rows, datasetId } = setup({
        getEventType: name => current.getEventType(name),
        getLatestVersion: name => current.getLatestVersion(name),
        getVersion: registry.getVersion,
      });
      await exporter.export(await deliver(storage, { events: 1 }));

      current = registryWith(['results']);
      const next = await deliver(storage, {
        events: 1,
        start: HOUR + 3_600_000,
        data: (_i, receivedAt) => ({
          user_id: `ps1:${KEY}`,
          query: 'jazz',
          results: `pd1:${KEY}:cmVzdWx0cw`,
          at: receivedAt - 5,
        }),
      });

      await expect(exporter.export(next)).rejects.toThrow(
        `BigQuery table ${datasetId}.${TABLE} cannot take the events of ${TYPE}: its personal data fields changed since the table was created (data.results: the table has NULLABLE INT64, the schema wants NULLABLE STRING)`,
      );
      expect(rows('2026112311')).toEqual([]);
    });
  });

  it('loads times BigQuery would refuse as written (nanoseconds, leap second)', async () => {
    const { storage, exporter, rows } = setup();
    await exporter.export(
      await deliver(storage, {
        events: 1,
        time: '2016-12-31T23:59:60.123456789Z',
      }),
    );
    await exporter.export(
      await deliver(storage, {
        events: 1,
        start: HOUR + 3_600_000,
        time: '2026-11-23T11:00:00.123456789+01:00',
      }),
    );
    expect(rows(HOUR_ID)[0].time).toBe('2016-12-31T23:59:59.999999Z');
    expect(rows('2026112311')[0].time).toBe('2026-11-23T11:00:00.123456+01:00');
  });

  it('does not load a partition again when exported twice', async () => {
    const { storage, exporter, rows, uploads, jobsOf } = setup();
    const partition = await deliver(storage, { events: 3 });
    await exporter.export(partition);
    const uploaded = uploads();

    await exporter.export(partition);

    expect(uploads()).toBe(uploaded);
    expect(jobsOf()).toHaveLength(1);
    expect(rows(HOUR_ID)).toHaveLength(3);
  });

  it('waits for the job of an attempt whose answer was lost (409) instead of loading twice', async () => {
    const { storage, exporter, rows, jobsOf } = setup();
    const partition = await deliver(storage, { events: 3 });
    await exporter.export(partition);
    // The retry does not see the job at first (as if the first attempt
    // crashed before BigQuery listed it), inserts, and gets 409.
    fake.failNext(
      { method: 'GET', path: /\/jobs\/delivery_/ },
      { status: 404, reason: 'notFound' },
    );
    const before = fake.requests.length;

    await exporter.export(partition);

    expect(fake.requests.slice(before)).toEqual([
      expect.stringMatching(/^GET .*\/jobs\/delivery_/),
      expect.stringMatching(
        /^POST \/upload\/bigquery\/v2\/projects\/test-project\/jobs$/,
      ),
      expect.stringMatching(/^GET .*\/jobs\/delivery_/),
    ]);
    expect(jobsOf()).toHaveLength(1);
    expect(rows(HOUR_ID)).toHaveLength(3);
  });

  it('replaces the hour when the partition is delivered again with other content', async () => {
    const { storage, exporter, rows, jobsOf } = setup();
    await exporter.export(await deliver(storage, { events: 4, tag: 'first' }));
    const redelivered = await deliver(storage, { events: 2, tag: 'second' });

    await exporter.export(redelivered);

    expect(jobsOf()).toHaveLength(2);
    expect(rows(HOUR_ID).map(r => r.id)).toEqual(['second-0', 'second-1']);
  });

  it('rejects on a quota error, to be retried later, and loads on the retry', async () => {
    const { storage, exporter, rows } = setup();
    const partition = await deliver(storage, { events: 3 });
    await exporter.export(
      await deliver(storage, { events: 1, start: HOUR - 3_600_000 }),
    );
    fake.failNext(
      { method: 'POST', path: /^\/upload\// },
      { status: 403, reason: 'quotaExceeded' },
    );

    await expect(exporter.export(partition)).rejects.toThrow(
      /Quota exceeded.*\(a BigQuery quota or rate limit; retried later\)/,
    );
    expect(rows(HOUR_ID)).toHaveLength(0);

    await exporter.export(partition);
    expect(rows(HOUR_ID)).toHaveLength(3);
  });

  it('rides out rate limits and server errors on the client’s own retries', async () => {
    const { storage, exporter, rows } = setup();
    const partition = await deliver(storage, { events: 2 });
    await exporter.export(
      await deliver(storage, { events: 1, start: HOUR - 3_600_000 }),
    );
    fake.failNext(
      { method: 'GET', path: /\/jobs\/delivery_/ },
      { status: 503, times: 1 },
    );
    fake.failNext(
      { method: 'GET', path: /\/tables\// },
      { status: 403, reason: 'rateLimitExceeded' },
    );

    await exporter.export(partition);
    expect(rows(HOUR_ID)).toHaveLength(2);
  });

  it('rejects with the job’s errors, and loads with a new job on the retry', async () => {
    const { storage, exporter, rows, jobsOf } = setup();
    const partition = await deliver(storage, { events: 3 });
    fake.failNextJob({
      reason: 'invalid',
      location: 'part-00000.ndjson.gz',
      message: 'Error while reading data: Invalid timestamp',
    });

    await expect(exporter.export(partition)).rejects.toThrow(
      /^BigQuery load job delivery_warehouse_\d+_com_example_search_performed_20261123T100000Z_[0-9a-f]{16} into com_example_search_performed failed: invalid: Error while reading data: Invalid timestamp \(at part-00000.ndjson.gz\)$/,
    );
    expect(rows(HOUR_ID)).toHaveLength(0);

    await exporter.export(partition);
    expect(rows(HOUR_ID)).toHaveLength(3);
    expect(jobsOf().map((job: any) => job.jobReference.jobId)).toEqual([
      expect.stringMatching(/_[0-9a-f]{16}$/),
      expect.stringMatching(/_[0-9a-f]{16}_r1$/),
    ]);
  });

  it('polls a running job until it is done', async () => {
    const { storage, exporter, rows } = setup();
    fake.runningPolls = 3;
    const before = fake.requests.length;
    try {
      await exporter.export(await deliver(storage, { events: 2 }));
    } finally {
      fake.runningPolls = 0;
    }
    expect(rows(HOUR_ID)).toHaveLength(2);
    const polls = fake.requests
      .slice(before)
      .filter(r => /^GET .*\/jobs\/delivery_/.test(r));
    // One look before the insert, three RUNNING answers, then DONE.
    expect(polls).toHaveLength(5);
  });

  it('loads a partition of several hours hour by hour', async () => {
    const { storage, exporter, rows, jobsOf } = setup();
    await exporter.export(
      await deliver(storage, { events: 6, widthMs: 3 * 3_600_000 }),
    );
    expect(rows('2026112310')).toHaveLength(2);
    expect(rows('2026112311')).toHaveLength(2);
    expect(rows('2026112312')).toHaveLength(2);
    expect(jobsOf()).toHaveLength(3);
  });

  it('appends partitions narrower than an hour, which share their hour', async () => {
    const { storage, exporter, rows, jobsOf } = setup();
    await exporter.export(
      await deliver(storage, { events: 2, widthMs: 900_000 }),
    );
    await exporter.export(
      await deliver(storage, {
        events: 3,
        widthMs: 900_000,
        start: HOUR + 900_000,
        tag: 'q2',
      }),
    );
    expect(rows(HOUR_ID)).toHaveLength(5);
    expect(
      (jobsOf() as any[]).map(job => [
        job.configuration.load.destinationTable.tableId,
        job.configuration.load.writeDisposition,
      ]),
    ).toEqual([
      [TABLE, 'WRITE_APPEND'],
      [TABLE, 'WRITE_APPEND'],
    ]);
  });
});

describe('slotsOf', () => {
  it('splits whole hours and keeps narrower partitions whole', () => {
    const partition = (start: number, end: number) =>
      ({ start, end } as DeliveredPartition);
    expect(slotsOf(partition(HOUR, HOUR + 3_600_000))).toEqual([
      { start: HOUR, end: HOUR + 3_600_000, replacesHour: true },
    ]);
    expect(slotsOf(partition(HOUR, HOUR + 2 * 3_600_000))).toHaveLength(2);
    expect(slotsOf(partition(HOUR, HOUR + 10_000))).toEqual([
      { start: HOUR, end: HOUR + 10_000, replacesHour: false },
    ]);
  });
});
