import { mockServices } from '@backstage/backend-test-utils';
import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import {
  FakeBigQuery,
  testBigQueryClient,
} from '../__testUtils__/fakeBigQuery';
import { EventTypeReader } from '@data-collection/plugin-event-schemas-node';
import { BigQueryTables } from './tables';

const PROJECT = 'test-project';
const DATASET = 'events';
const TYPE = 'com.example.playback.started';
const TABLE = 'com_example_playback_started';

/** The registered type other schemas reference, at version 1. */
const DEVICE = 'com.example.device';
const DEVICE_SCHEMA = {
  type: 'object',
  properties: { model: { type: 'string' }, os: { type: 'string' } },
};

/**
 * A registry holding one type, whose schema and retention tests change, and
 * DEVICE version 1 for it to reference.
 */
class FakeRegistry
  implements
    Pick<EventTypeReader, 'getEventType' | 'getLatestVersion' | 'getVersion'>
{
  versions: Array<Record<string, unknown>> = [
    {
      type: 'object',
      properties: { user_id: { type: 'string' }, track_id: { type: 'string' } },
    },
  ];
  retention = 'P400D';
  personalDataFields = ['user_id'];
  dataSubject?: string = 'user_id';

  async getEventType(name: string): Promise<EventType | undefined> {
    if (name === DEVICE) {
      return { ...(await this.getEventType(TYPE))!, name, latestVersion: 1 };
    }
    if (name !== TYPE) return undefined;
    return {
      name,
      title: 'Playback started',
      owner: 'group:default/playback',
      lifecycle: 'production',
      tags: [],
      format: 'jsonschema',
      compatibility: 'BACKWARD',
      retention: { raw: 'P7D', delivered: this.retention },
      sla: { maxLateness: 'PT2H' },
      personalDataFields: this.personalDataFields,
      dataSubject: this.dataSubject,
      latestVersion: this.versions.length,
      createdBy: 'user:default/me',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
  }

  async getVersion(
    name: string,
    version: number | 'latest',
  ): Promise<EventTypeVersion | undefined> {
    if (name === TYPE) return this.getLatestVersion(name);
    if (name !== DEVICE || version !== 1) return undefined;
    return {
      eventType: name,
      version: 1,
      schema: JSON.stringify(DEVICE_SCHEMA),
      fingerprint: 'sha256:d',
      createdBy: 'user:default/me',
      createdAt: '2026-01-01T00:00:00Z',
    };
  }

  async getLatestVersion(name: string): Promise<EventTypeVersion | undefined> {
    if (name !== TYPE) return undefined;
    return {
      eventType: name,
      version: this.versions.length,
      schema: JSON.stringify(this.versions[this.versions.length - 1]),
      fingerprint: 'sha256:x',
      createdBy: 'user:default/me',
      createdAt: '2026-01-01T00:00:00Z',
    };
  }
}

describe('BigQueryTables', () => {
  const fake = new FakeBigQuery();
  const server = setupServer(...fake.handlers());
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  let dataset = 0;
  function setup() {
    dataset += 1;
    const datasetId = `${DATASET}_${dataset}`;
    const registry = new FakeRegistry();
    const logger = mockServices.logger.mock();
    const make = () =>
      new BigQueryTables({
        bigquery: testBigQueryClient({ projectId: PROJECT }),
        datasetId,
        location: 'EU',
        eventTypes: registry,
        personalDataPolicyTag:
          'projects/p/locations/eu/taxonomies/1/policyTags/2',
        logger,
      });
    const table = () => fake.table(PROJECT, datasetId, TABLE) as any;
    return { datasetId, registry, logger, tables: make(), make, table };
  }

  it('creates the dataset and an hourly partitioned table expiring after the retention', async () => {
    const { tables, datasetId, table } = setup();
    const ensured = await tables.ensureTable(TYPE);

    expect(ensured).toMatchObject({ tableId: TABLE, version: 1 });
    expect(fake.dataset(PROJECT, datasetId)).toMatchObject({ location: 'EU' });
    expect(table()).toMatchObject({
      timePartitioning: {
        type: 'HOUR',
        field: 'received_at',
        expirationMs: String(400 * 86_400_000),
      },
      clustering: { fields: ['source'] },
      labels: { 'managed-by': 'backstage-delivery-pipeline' },
    });
    expect(table().description).toMatch(
      /^Delivered events of type com\.example\.playback\.started\.\n/,
    );
    const data = table().schema.fields.find((f: any) => f.name === 'data');
    expect(data.fields[0]).toMatchObject({
      name: 'user_id',
      type: 'STRING',
      description: expect.stringContaining("The data subject's pseudonym"),
      policyTags: {
        names: ['projects/p/locations/eu/taxonomies/1/policyTags/2'],
      },
    });
  });

  it('creates no expiration when the retention is unlimited', async () => {
    const { tables, registry, table } = setup();
    registry.retention = '';
    await tables.ensureTable(TYPE);
    expect(table().timePartitioning.expirationMs).toBeUndefined();
  });

  it('asks the registry only, while nothing changed', async () => {
    const { tables } = setup();
    await tables.ensureTable(TYPE);
    const before = fake.requests.length;
    await tables.ensureTable(TYPE);
    expect(fake.requests.length).toBe(before);
  });

  it('adds the fields of a newer schema as NULLABLE columns', async () => {
    const { tables, registry, table, logger } = setup();
    await tables.ensureTable(TYPE);
    registry.versions.push({
      type: 'object',
      required: ['user_id', 'track_id', 'context'],
      properties: {
        user_id: { type: 'string' },
        track_id: { type: 'string' },
        context: {
          type: 'object',
          properties: { device: { type: 'string' } },
        },
      },
    });

    const ensured = await tables.ensureTable(TYPE);

    expect(ensured.version).toBe(2);
    const data = table().schema.fields.find((f: any) => f.name === 'data');
    expect(data.fields.map((f: any) => [f.name, f.mode])).toEqual([
      ['user_id', 'NULLABLE'],
      ['track_id', 'NULLABLE'],
      ['context', 'NULLABLE'],
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('added data.context'),
    );
  });

  it('makes the columns of a referenced version as of the schema that references it', async () => {
    const { tables, registry, table } = setup();
    registry.versions = [
      {
        type: 'object',
        properties: {
          user_id: { type: 'string' },
          device: {
            $ref: `/api/event-schemas/event-types/${DEVICE}/versions/1`,
          },
        },
      },
    ];

    await tables.ensureTable(TYPE);

    const data = table().schema.fields.find((f: any) => f.name === 'data');
    const device = data.fields.find((f: any) => f.name === 'device');
    expect(device).toMatchObject({ type: 'RECORD', mode: 'NULLABLE' });
    expect(device.fields.map((f: any) => [f.name, f.type])).toEqual([
      ['model', 'STRING'],
      ['os', 'STRING'],
    ]);
  });

  it('keeps a column whose type a newer schema changes, and says so', async () => {
    const { tables, registry, table, logger } = setup();
    await tables.ensureTable(TYPE);
    registry.versions.push({
      type: 'object',
      properties: {
        user_id: { type: 'string' },
        track_id: { type: 'integer' },
      },
    });

    await tables.ensureTable(TYPE);

    const data = table().schema.fields.find((f: any) => f.name === 'data');
    expect(data.fields[1]).toMatchObject({ name: 'track_id', type: 'STRING' });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'data.track_id: the table has NULLABLE STRING, the schema wants NULLABLE INT64',
      ),
    );
  });

  it('creates personal columns as STRING whatever the schema type, and marks a STRING field that becomes personal in place', async () => {
    const { tables, registry, table } = setup();
    registry.versions = [
      {
        type: 'object',
        properties: {
          user_id: { type: 'string' },
          track_id: { type: 'string' },
          seconds: { type: 'integer' },
        },
      },
    ];
    registry.personalDataFields = ['user_id', 'seconds'];
    await tables.ensureTable(TYPE);
    const column = (name: string) =>
      table()
        .schema.fields.find((f: any) => f.name === 'data')
        .fields.find((f: any) => f.name === name);
    expect(column('seconds')).toMatchObject({
      type: 'STRING',
      description: expect.stringMatching(/^\[personal data\] Ciphertext/),
    });

    // track_id was a STRING already: it only gains the marks.
    registry.personalDataFields = ['user_id', 'seconds', 'track_id'];
    await tables.ensureTable(TYPE);
    expect(column('track_id')).toMatchObject({
      type: 'STRING',
      description: expect.stringMatching(/^\[personal data\] Ciphertext/),
      policyTags: {
        names: ['projects/p/locations/eu/taxonomies/1/policyTags/2'],
      },
    });
  });

  it('refuses to go on, saying why and what to do, when personal data fields change the type of an existing column', async () => {
    const { tables, registry, table, datasetId } = setup();
    registry.versions = [
      {
        type: 'object',
        properties: {
          user_id: { type: 'string' },
          seconds: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
    ];
    await tables.ensureTable(TYPE);
    const before = table().etag;

    registry.personalDataFields = ['user_id', 'seconds', 'tags'];
    const refusal = tables.ensureTable(TYPE);

    await expect(refusal).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(refusal).rejects.toThrow(
      `BigQuery table ${datasetId}.${TABLE} cannot take the events of ${TYPE}: its personal data fields changed since the table was created (data.seconds: the table has NULLABLE INT64, the schema wants NULLABLE STRING; data.tags: the table has REPEATED STRING, the schema wants NULLABLE STRING). Personal data is stored as a STRING (ciphertext, or the data subject's pseudonym) whatever the field's type, and BigQuery cannot change a column's type. Rename the table (or copy what you need and drop it): the next export attempt creates it anew and the waiting partitions load into it.`,
    );
    expect(table().etag).toBe(before);
  });

  it('refuses as well when a field stops being personal: its column holds ciphertext', async () => {
    const { tables, registry } = setup();
    registry.versions = [
      {
        type: 'object',
        properties: {
          user_id: { type: 'string' },
          seconds: { type: 'integer' },
        },
      },
    ];
    registry.personalDataFields = ['user_id', 'seconds'];
    await tables.ensureTable(TYPE);

    registry.personalDataFields = ['user_id'];

    await expect(tables.ensureTable(TYPE)).rejects.toThrow(
      '(data.seconds: the table has NULLABLE STRING, the schema wants NULLABLE INT64)',
    );
  });

  it('updates the partition expiration when the retention changes', async () => {
    const { tables, registry, table } = setup();
    await tables.ensureTable(TYPE);
    registry.retention = 'P30D';
    await tables.ensureTable(TYPE);
    expect(table().timePartitioning).toEqual({
      type: 'HOUR',
      field: 'received_at',
      expirationMs: String(30 * 86_400_000),
    });

    registry.retention = '';
    await tables.ensureTable(TYPE);
    expect(table().timePartitioning).toEqual({
      type: 'HOUR',
      field: 'received_at',
    });
  });

  it('carries on when another replica created the table first (409)', async () => {
    const { make, table } = setup();
    await make().ensureTable(TYPE);
    const created = table().creationTime;
    // This replica looked before the other created it.
    fake.failNext(
      { method: 'GET', path: new RegExp(`/tables/${TABLE}$`) },
      { status: 404, reason: 'notFound' },
    );
    const before = fake.requests.length;

    const ensured = await make().ensureTable(TYPE);

    expect(ensured.tableId).toBe(TABLE);
    expect(table().creationTime).toBe(created);
    expect(fake.requests.slice(before)).toEqual([
      expect.stringMatching(/^GET .*\/datasets\/events_\d+$/),
      expect.stringMatching(/^GET .*\/tables\/com_example_playback_started$/),
      expect.stringMatching(/^POST .*\/tables$/),
      expect.stringMatching(/^GET .*\/tables\/com_example_playback_started$/),
    ]);
  });

  it('reads the table again when another replica changed it in between (412)', async () => {
    const { tables, registry, table, datasetId } = setup();
    await tables.ensureTable(TYPE);
    registry.versions.push({
      type: 'object',
      properties: {
        user_id: { type: 'string' },
        track_id: { type: 'string' },
        seconds: { type: 'number' },
      },
    });
    // Between this replica's read and its patch, another replica patches
    // the table: here, a label, which our patch must not undo.
    server.use(
      http.patch(
        /\/tables\/com_example_playback_started$/,
        () => {
          fake.touchTable(PROJECT, datasetId, TABLE, {
            labels: { 'managed-by': 'backstage-delivery-pipeline', team: 'x' },
          });
        },
        { once: true },
      ),
    );
    const patchesBefore = fake.requests.filter(r =>
      r.startsWith('PATCH'),
    ).length;

    await tables.ensureTable(TYPE);

    const patches = fake.requests.filter(r => r.startsWith('PATCH')).length;
    expect(patches - patchesBefore).toBe(2);
    expect(table().labels.team).toBe('x');
    const data = table().schema.fields.find((f: any) => f.name === 'data');
    expect(data.fields.map((f: any) => f.name)).toEqual([
      'user_id',
      'track_id',
      'seconds',
    ]);
  });

  it('refuses a table that is not partitioned by hour of received_at', async () => {
    const { tables, datasetId, make } = setup();
    await make().ensureTable(TYPE);
    fake.touchTable(PROJECT, datasetId, TABLE, {
      timePartitioning: { type: 'DAY', field: 'received_at' },
    });
    await expect(tables.ensureTable(TYPE)).rejects.toThrow(
      /is not partitioned by hour on received_at/,
    );
  });

  it('rejects with a NotFoundError for a type the registry does not know', async () => {
    const { tables } = setup();
    await expect(
      tables.ensureTable('com.example.unknown'),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });
});
