import { mockCredentials } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  DeliveredPartition,
  deliveryPipelineExporterExtensionPoint,
} from '@data-collection/plugin-delivery-pipeline-node';
import { CloudEvent, HTTP } from 'cloudevents';
import fs from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import {
  deliverAll,
  PLAYBACK,
  playback,
  send,
  startPipeline,
  stopPipelines,
  user,
  waitForRaw,
} from './__testUtils__/pipelineTestBackend';

jest.setTimeout(60_000);

/** The other registered demo type: no test sends it events. */
const QUIET = 'com.example.search.performed';

afterEach(stopPipelines);

describe('deliveryPipelinePlugin', () => {
  it('answers the health check without credentials', async () => {
    const { server } = await startPipeline();
    const res = await request(server)
      .get('/api/delivery-pipeline/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('takes events from the CloudEvents SDK in structured and binary mode into raw partitions', async () => {
    const { server, storage } = await startPipeline();
    const structured = await send(server, HTTP.structured(playback('s-1')));
    expect(structured.status).toBe(202);
    expect(structured.body).toEqual({ accepted: 1, rejected: [] });

    const binary = HTTP.binary(playback('b-1'));
    expect((await send(server, binary)).status).toBe(202);
    // The binding wants non-ASCII header values percent-encoded (the SDK
    // sends them raw, and gets a 400 that shows the encoded value to send).
    const encoded = HTTP.binary(playback('b-2').cloneWith({ subject: 'x' }));
    const headers = encoded.headers as Record<string, string>;
    headers['ce-subject'] = 'Zo%C3%AB%E2%80%99s playlist';
    expect((await send(server, encoded)).status).toBe(202);

    const lines = await waitForRaw(storage, ['s-1', 'b-1', 'b-2']);
    const byId = Object.fromEntries(lines.map(line => [line.id, line]));
    // user_id, the type's data subject, is stored as the person's pseudonym.
    const pseudonym = expect.stringMatching(/^ps1:[\w-]{22}$/);
    expect(byId['s-1']).toMatchObject({
      specversion: '1.0',
      type: PLAYBACK,
      source: '//playback-service/eu-west-1',
      data: { user_id: pseudonym, track_id: 't1' },
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(byId['b-1'].data).toEqual(byId['s-1'].data);
    expect(byId['b-2'].subject).toBe('Zoë’s playlist');

    // One hourly partition, laid out by receive time.
    const receivedAt = new Date(byId['s-1'].receivedAt);
    const hour = receivedAt.toISOString().slice(11, 13);
    const day = receivedAt.toISOString().slice(0, 10);
    const files = await fs.readdir(
      path.join(storage, 'raw', PLAYBACK, day, hour),
    );
    expect(files.every(f => /^part-.+\.ndjson\.gz$/.test(f))).toBe(true);

    const partitions = await request(server)
      .get(`/api/delivery-pipeline/partitions?eventType=${PLAYBACK}`)
      .set('Authorization', user);
    expect(partitions.body.items).toEqual([
      expect.objectContaining({
        eventType: PLAYBACK,
        state: 'open',
        counts: expect.objectContaining({ received: 3 }),
      }),
    ]);
  });

  it('accepts the good events of a gzipped batch and keeps the bad ones with their reasons', async () => {
    const { server, storage } = await startPipeline();
    const batch = [
      playback('ok-1'),
      playback('bad-1', { user_id: 42, track_id: 't1' }),
      { specversion: '1.0', id: 'no-type', source: '//x' },
      playback('ok-2'),
      new CloudEvent({
        id: 'ghost-1',
        type: 'com.example.ghost',
        source: '//x',
        data: {},
      }),
    ];
    const res = await request(server)
      .post('/api/delivery-pipeline/events')
      .set('Authorization', user)
      .set('Content-Type', 'application/cloudevents-batch+json')
      .set('Content-Encoding', 'gzip')
      // As bytes: superagent would serialize a Buffer as JSON for a +json type.
      .serialize((body: Buffer) => body as unknown as string)
      .send(gzipSync(JSON.stringify(batch)));
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([
      {
        index: 1,
        id: 'bad-1',
        reason: expect.stringContaining(
          `data does not follow version 2 of '${PLAYBACK}'`,
        ),
      },
      { index: 2, id: 'no-type', reason: expect.stringContaining('type') },
      {
        index: 4,
        id: 'ghost-1',
        reason:
          "Unknown event type 'com.example.ghost': register it in the schema registry before sending events of it",
      },
    ]);
    await waitForRaw(storage, ['ok-1', 'ok-2']);

    const failed = await request(server)
      .get(`/api/delivery-pipeline/failed-events?eventType=${PLAYBACK}`)
      .set('Authorization', user);
    expect(failed.status).toBe(200);
    expect(failed.body.items).toEqual([
      expect.objectContaining({
        eventType: PLAYBACK,
        eventId: 'bad-1',
        source: '//playback-service/eu-west-1',
        reason: res.body.rejected[0].reason,
        payloadTruncated: false,
        producer: 'user:default/mock',
      }),
    ]);
    expect(JSON.parse(failed.body.items[0].payload).data).toEqual({
      user_id: 42,
      track_id: 't1',
    });
    const all = await request(server)
      .get('/api/delivery-pipeline/failed-events')
      .set('Authorization', user);
    expect(all.body.items).toHaveLength(3);
  });

  it('refuses a single bad event with 400 and the reason, and keeps it', async () => {
    const { server } = await startPipeline();
    const res = await send(
      server,
      HTTP.structured(playback('bad-2', { user_id: 'u1' })),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^data does not follow version 2 of 'com\.example\.playback\.started': .*track_id/,
    );
    const failed = await request(server)
      .get('/api/delivery-pipeline/failed-events')
      .set('Authorization', user);
    expect(
      failed.body.items.map((e: { eventId: string }) => e.eventId),
    ).toEqual(['bad-2']);
  });

  it('checks data against the version named by dataschema', async () => {
    const { server } = await startPipeline();
    const withSource = { user_id: 'u1', track_id: 't1', source: 'album' };
    const url = (version: number) =>
      `http://localhost/api/event-schemas/event-types/${PLAYBACK}/versions/${version}`;
    // Version 2 added `source`; version 1 is closed and refuses it.
    const v2 = playback('v2', withSource).cloneWith({ dataschema: url(2) });
    expect((await send(server, HTTP.structured(v2))).status).toBe(202);
    const v1 = playback('v1', withSource).cloneWith({ dataschema: url(1) });
    const refused = await send(server, HTTP.structured(v1));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/version 1 of/);
    const v9 = playback('v9').cloneWith({ dataschema: url(9) });
    expect((await send(server, HTTP.structured(v9))).body.error.message).toBe(
      `Event type '${PLAYBACK}' has no version 9; its latest is 2`,
    );
    const elsewhere = playback('x').cloneWith({
      dataschema: 'https://schemas.example.com/playback.json',
    });
    expect(
      (await send(server, HTTP.structured(elsewhere))).body.error.message,
    ).toMatch(/is not a schema registry version URL/);
  });

  it('replays failed events once their schema accepts them', async () => {
    const { server, storage } = await startPipeline();
    const withCountry = { user_id: 'u1', track_id: 't1', country: 'SE' };
    expect(
      (await send(server, HTTP.structured(playback('late-1', withCountry))))
        .status,
    ).toBe(400);

    // Nothing changed yet: it fails again, with the same reason.
    const early = await request(server)
      .post('/api/delivery-pipeline/failed-events/replay')
      .set('Authorization', user)
      .send({ eventType: PLAYBACK });
    expect(early.body).toMatchObject({
      replayed: 0,
      failedAgain: [{ reason: expect.stringContaining('country') }],
    });

    // The owner adds the field (a compatible change), then replays.
    const latest = await request(server)
      .get(`/api/event-schemas/event-types/${PLAYBACK}/versions/latest`)
      .set('Authorization', user);
    const schema = JSON.parse(latest.body.schema);
    schema.properties.country = { type: 'string' };
    const registered = await request(server)
      .post(`/api/event-schemas/event-types/${PLAYBACK}/versions`)
      .set('Authorization', user)
      .send({ schema });
    expect(registered.status).toBe(201);

    const replay = await request(server)
      .post('/api/delivery-pipeline/failed-events/replay')
      .set('Authorization', user)
      .send({ eventType: PLAYBACK });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ replayed: 1, failedAgain: [], more: false });
    const lines = await waitForRaw(storage, ['late-1']);
    expect(lines.find(line => line.id === 'late-1')?.data).toEqual({
      ...withCountry,
      user_id: expect.stringMatching(/^ps1:/),
    });

    const left = await request(server)
      .get('/api/delivery-pipeline/failed-events')
      .set('Authorization', user);
    expect(left.body.items).toEqual([]);
  });

  it('answers requests it cannot take with the documented status', async () => {
    const { server } = await startPipeline({
      ingest: { maxRequestBytes: 4096, maxEventBytes: 1024, maxBatchEvents: 3 },
    });
    const post = () =>
      request(server)
        .post('/api/delivery-pipeline/events')
        .set('Authorization', user);

    const anonymous = await request(server)
      .post('/api/delivery-pipeline/events')
      .set('Authorization', mockCredentials.none.header())
      .set(HTTP.structured(playback('a')).headers as Record<string, string>)
      .send(HTTP.structured(playback('a')).body as string);
    expect(anonymous.status).toBe(401);

    const text = await post().set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
    expect(text.body.error.message).toMatch(/application\/cloudevents\+json/);

    const big = await post()
      .set('Content-Type', 'application/cloudevents-batch+json')
      .send(
        JSON.stringify([
          playback('x', { user_id: 'u'.repeat(5000), track_id: 't' }),
        ]),
      );
    expect(big.status).toBe(413);

    const bigEvent = HTTP.structured(
      playback('big', { user_id: 'u'.repeat(2000), track_id: 't' }),
    );
    const tooLarge = await send(server, bigEvent);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toMatch(/^Event too large/);

    const tooMany = await post()
      .set('Content-Type', 'application/cloudevents-batch+json')
      .send(JSON.stringify([1, 2, 3, 4].map(i => playback(`m${i}`))));
    expect(tooMany.status).toBe(413);

    const malformed = await post()
      .set('Content-Type', 'application/cloudevents+json')
      .send('{"specversion": "1.0",');
    expect(malformed.status).toBe(400);
  });

  it('answers 429 with Retry-After while the transport is full', async () => {
    const { server } = await startPipeline({
      transport: { maxBacklogEvents: 3 },
      // The consumer waits, so the backlog stays.
      consumer: { pollInterval: { hours: 1 } },
    });
    const batch = (prefix: string) =>
      request(server)
        .post('/api/delivery-pipeline/events')
        .set('Authorization', user)
        .set('Content-Type', 'application/cloudevents-batch+json')
        .send(JSON.stringify([1, 2, 3].map(i => playback(`${prefix}${i}`))));
    expect((await batch('a')).status).toBe(202);
    const full = await batch('b');
    expect(full.status).toBe(429);
    expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
    expect(full.body.error.name).toBe('TransportFullError');
  });

  it('closes, deduplicates and delivers partitions, with their health and a preview', async () => {
    // An exporter added through the extension point, as a warehouse module would.
    const exported: DeliveredPartition[] = [];
    const exporterModule = createBackendModule({
      pluginId: 'delivery-pipeline',
      moduleId: 'test-exporter',
      register(env) {
        env.registerInit({
          deps: { exporters: deliveryPipelineExporterExtensionPoint },
          async init({ exporters }) {
            exporters.addExporter({
              name: 'test',
              async export(partition) {
                exported.push(partition);
              },
            });
          },
        });
      },
    });
    const pipeline = await startPipeline(
      { partitions: { width: { seconds: 2 }, grace: { milliseconds: 200 } } },
      [exporterModule],
    );
    const { server, storage } = pipeline;
    const batch = (events: CloudEvent<any>[]) =>
      request(server)
        .post('/api/delivery-pipeline/events')
        .set('Authorization', user)
        .set('Content-Type', 'application/cloudevents-batch+json')
        .send(JSON.stringify(events));
    const a = playback('a');
    expect((await batch([a, playback('b'), playback('c')])).status).toBe(202);
    // A resend of a, a conflicting b (same source and id, other data), and an
    // invalid event.
    const resent = await batch([
      a,
      playback('b', { user_id: 'u2', track_id: 't9' }),
      playback('d'),
      playback('bad', { user_id: 42 }),
    ]);
    expect(resent.body.rejected).toHaveLength(1);

    await deliverAll(pipeline, PLAYBACK);
    // The other registered type received nothing: the completionist opens
    // its windows and the deduper delivers them empty. Waited for, not
    // assumed: on a loaded machine its windows may not have closed by the
    // time the playback partitions are delivered.
    expect((await deliverAll(pipeline, QUIET)).length).toBeGreaterThan(0);
    // The playback partitions as they stand now (the runs above may have
    // opened and delivered later, quiet playback windows too).
    const items = await deliverAll(pipeline, PLAYBACK);
    const total = (key: string) =>
      items.reduce((sum, p) => sum + (p.counts[key] ?? 0), 0);
    expect(total('received')).toBe(6);
    expect(total('delivered')).toBe(4);
    expect(total('duplicates')).toBe(1);
    expect(total('conflicts')).toBe(1);
    expect(total('failed')).toBe(1);
    // The deprecated name is still sent, with the same count.
    expect(total('invalid')).toBe(1);
    for (const p of items) {
      expect(p.closedAt).toBeDefined();
      expect(p.latenessMs).toBeGreaterThan(0);
      expect(p.latenessSeconds).toBe(p.latenessMs / 1000);
      // The registry's SLA for the type is two hours.
      expect(p.slaMet).toBe(true);
    }

    // Each (source, id) once in the delivered files, with a manifest each.
    const delivered: string[] = [];
    const manifests: Array<Record<string, unknown>> = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (/^part-.*\.ndjson\.gz$/.test(entry.name)) {
          const text = gunzipSync(await fs.readFile(full)).toString();
          delivered.push(
            ...text
              .trim()
              .split('\n')
              .map(l => JSON.parse(l).id),
          );
        } else if (entry.name === '_manifest.json') {
          manifests.push(JSON.parse(await fs.readFile(full, 'utf8')));
        }
      }
    };
    await walk(path.join(storage, 'delivered'));
    expect(delivered.sort()).toEqual(['a', 'b', 'c', 'd']);
    const ofPlayback = manifests.filter(m => m.eventType === PLAYBACK);
    expect(ofPlayback).toHaveLength(items.length);
    // The quiet type's windows: delivered empty, with a manifest and no data
    // file.
    const quietManifests = manifests.filter(m => m.eventType !== PLAYBACK);
    expect(quietManifests.length).toBeGreaterThan(0);
    for (const manifest of quietManifests) {
      expect(manifest).toMatchObject({
        eventType: QUIET,
        counts: { received: 0, delivered: 0 },
        files: [],
      });
    }

    const health = await request(server)
      .get(`/api/delivery-pipeline/event-types/${PLAYBACK}/health`)
      .set('Authorization', user);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      eventType: PLAYBACK,
      sla: {
        maxLatenessMs: 7_200_000,
        // The deprecated name, in seconds, until release 0.3.0.
        maxLatenessSeconds: 7200,
        source: 'registry',
      },
      // Delivered in time: met as soon as delivered.
      slaCompliance: { met: items.length, due: items.length },
      volume: { received: 6, delivered: 4, failed: 1, invalid: 1 },
    });
    expect(health.body.lastDelivered.deliveredAt).toBeDefined();

    // The overview lists every type with partitions, with the same health.
    const all = await request(server)
      .get('/api/delivery-pipeline/event-types/health')
      .set('Authorization', user);
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      { ...health.body, window: expect.any(Object) },
      expect.objectContaining({
        eventType: QUIET,
        volume: expect.objectContaining({ received: 0 }),
      }),
    ]);
    const badWindow = await request(server)
      .get(
        '/api/delivery-pipeline/event-types/health?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
      )
      .set('Authorization', user);
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error.message).toMatch(/'from' must be before 'to'/);

    // Every delivered partition went to the exporter, once; those delivered
    // empty with no files.
    const exportedPlayback = exported.filter(p => p.eventType === PLAYBACK);
    expect(
      exportedPlayback.map(p => new Date(p.start).toISOString()).sort(),
    ).toEqual(items.map(p => p.start).sort());
    for (const partition of exported.filter(p => p.eventType === QUIET)) {
      expect(partition).toMatchObject({ files: [], events: 0 });
    }
    for (const partition of exportedPlayback.filter(p => p.events > 0)) {
      expect(partition).toMatchObject({
        eventType: PLAYBACK,
        checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
      expect(partition.files[0].path).toMatch(
        /^delivered\/.*part-.*\.ndjson\.gz$/,
      );
    }

    // A registered type without events has a quiet health; an unknown one 404.
    const quiet = await request(server)
      .get(`/api/delivery-pipeline/event-types/${QUIET}/health`)
      .set('Authorization', user);
    expect(quiet.status).toBe(200);
    expect(quiet.body.volume.received).toBe(0);
    // Its windows are delivered empty, none is missing.
    expect(quiet.body.partitions.delivered).toBeGreaterThan(0);
    expect(quiet.body.partitions).toMatchObject({
      empty: quiet.body.partitions.delivered,
      missing: 0,
    });
    const [quietPartition] = (
      await request(server)
        .get(`/api/delivery-pipeline/partitions?eventType=${QUIET}`)
        .set('Authorization', user)
    ).body.items;
    expect(quietPartition).toMatchObject({
      state: 'delivered',
      empty: true,
      counts: { received: 0, delivered: 0 },
    });
    // Its preview: no rows.
    const quietPreview = await request(server)
      .get(
        `/api/delivery-pipeline/partitions/${QUIET}/${quietPartition.start}/preview`,
      )
      .set('Authorization', user);
    expect(quietPreview.status).toBe(200);
    expect(quietPreview.body).toMatchObject({ rows: [], totalRows: 0 });
    const unknownType = await request(server)
      .get(`/api/delivery-pipeline/event-types/com.example.nope/health`)
      .set('Authorization', user);
    expect(unknownType.status).toBe(404);

    const first = items.find(p => p.counts.delivered > 0)!;
    const preview = await request(server)
      .get(
        `/api/delivery-pipeline/partitions/${PLAYBACK}/${first.start}/preview?limit=1`,
      )
      .set('Authorization', user);
    expect(preview.status).toBe(200);
    expect(preview.body.rows).toHaveLength(1);
    expect(preview.body.rows[0]).toMatchObject({ type: PLAYBACK });
    expect(preview.body.totalRows).toBe(first.counts.delivered);
    expect(preview.body.location).toMatch(/^file:\/\//);

    const unknown = await request(server)
      .get(
        `/api/delivery-pipeline/partitions/${PLAYBACK}/2020-01-01T00:00:00Z/preview`,
      )
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
    const badState = await request(server)
      .get(`/api/delivery-pipeline/partitions?state=finished`)
      .set('Authorization', user);
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toMatch(/open, closed, delivered/);
  });
});
