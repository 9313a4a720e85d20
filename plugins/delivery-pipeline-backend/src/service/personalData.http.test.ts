import { mockCredentials } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import {
  ERASED_VALUE,
  failedEventsReadPermission,
  MASKED_VALUE,
  partitionPreviewPermission,
} from '@data-collection/plugin-delivery-pipeline-common';
import { PersonalDataDecrypter } from '@data-collection/plugin-delivery-pipeline-node';
import { ResponseError } from '@backstage/errors';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  deliverAll,
  rawLines,
  Server,
  startPipeline,
  stopPipelines,
  waitForRaw,
} from '../__testUtils__/pipelineTestBackend';
import {
  permissionStandIn,
  recordingAuditor,
} from '../__testUtils__/permissionStandIn';

jest.setTimeout(90_000);
afterEach(stopPipelines);

const ACCOUNT = 'com.example.account.updated';
// alice is in the owning group, bob is not, carol is a data platform admin.
const ownership: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/accounts'],
  'user:default/bob': ['user:default/bob', 'group:default/search'],
  'user:default/carol': ['user:default/carol', 'group:default/data-platform'],
};
const header = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
const alice = header('alice');
const bob = header('bob');
const carol = header('carol');

/**
 * An adopter's policy that lets every user preview partitions and read
 * failed events (the suite's own lets only owners and admins), so that
 * others see personal data masked.
 */
function opensReads(suite: PermissionPolicy): PermissionPolicy {
  return {
    handle: async (query, user) =>
      isPermission(query.permission, partitionPreviewPermission) ||
      isPermission(query.permission, failedEventsReadPermission)
        ? { result: AuthorizeResult.ALLOW }
        : suite.handle(query, user),
  };
}

async function startWithPersonalData() {
  // Known once the backend runs; the permission stand-in calls it back.
  const started: { server?: Server } = {};
  const { audits, factory: auditor } = recordingAuditor();
  const pipeline = await startPipeline(
    { partitions: { width: { seconds: 2 }, grace: { milliseconds: 200 } } },
    [permissionStandIn(ownership, () => started.server!, opensReads), auditor],
  );
  started.server = pipeline.server;
  const { server } = pipeline;
  const registered = await request(server)
    .post('/api/event-schemas/event-types')
    .set('Authorization', carol)
    .send({
      name: ACCOUNT,
      owner: 'group:default/accounts',
      format: 'jsonschema',
      dataSubject: 'user.id',
      personalDataFields: ['user.email', 'contacts[].phone'],
      schema: {
        type: 'object',
        required: ['user'],
        properties: {
          user: {
            type: 'object',
            required: ['id'],
            properties: {
              id: { type: 'string' },
              email: { type: 'string' },
              plan: { type: 'string' },
            },
          },
          contacts: {
            type: 'array',
            items: {
              type: 'object',
              properties: { phone: { type: 'string' } },
            },
          },
        },
      },
    });
  expect(registered.status).toBe(201);
  return { ...pipeline, audits };
}

const account = (id: string, who: string, extra: object = {}) => ({
  specversion: '1.0',
  id,
  source: '//accounts',
  type: ACCOUNT,
  data: {
    user: { id: who, email: `${who}@example.com`, plan: 'free' },
    contacts: [{ phone: `${who}-phone` }],
    ...extra,
  },
});

function sendBatch(server: Server, events: object[]) {
  return request(server)
    .post('/api/delivery-pipeline/events')
    .set('Authorization', alice)
    .set('Content-Type', 'application/cloudevents-batch+json')
    .send(JSON.stringify(events));
}

const preview = (server: Server, start: string, as: string) =>
  request(server)
    .get(
      `/api/delivery-pipeline/partitions/${ACCOUNT}/${start}/preview?limit=500`,
    )
    .set('Authorization', as);

const failedEvents = (server: Server, as: string) =>
  request(server)
    .get(`/api/delivery-pipeline/failed-events?eventType=${ACCOUNT}`)
    .set('Authorization', as);

describe('personal data through the pipeline', () => {
  it('is sealed on disk, shown in clear to owners and admins, masked to others, and erased per person', async () => {
    const pipeline = await startWithPersonalData();
    const { server, audits } = pipeline;
    const sent = await sendBatch(server, [
      account('a-1', 'ada'),
      account('b-1', 'bo'),
      // Invalid (a number as the plan): kept as a failed event, sealed.
      account('a-2', 'ada', {
        user: { id: 'ada', email: 'ada@example.com', plan: 7 },
      }),
    ]);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ accepted: 2, rejected: [{ index: 2 }] });

    // Nothing on disk holds a clear personal value.
    const raw = await waitForRaw(pipeline.storage, ['a-1', 'b-1']);
    const rawText = JSON.stringify(raw);
    for (const clear of [
      'ada@example.com',
      'ada-phone',
      '"ada"',
      'bo@example.com',
    ]) {
      expect(rawText).not.toContain(clear);
    }
    const adaRaw = raw.find(line => line.id === 'a-1')!;
    expect(adaRaw.data).toEqual({
      user: {
        id: expect.stringMatching(/^ps1:/),
        email: expect.stringMatching(/^pd1:/),
        plan: 'free',
      },
      contacts: [{ phone: expect.stringMatching(/^pd1:/) }],
    });

    const [partition] = (await deliverAll(pipeline, ACCOUNT)).filter(
      p => p.counts.delivered > 0,
    );

    // An owner sees every value in clear, and the read is audited.
    const asOwner = await preview(server, partition.start, alice);
    expect(asOwner.status).toBe(200);
    expect(asOwner.body.personalData).toEqual({
      fields: ['user.id', 'user.email', 'contacts[].phone'],
      dataSubject: 'user.id',
      access: 'clear',
    });
    const byId = (rows: any[]) =>
      Object.fromEntries(rows.map(r => [r.id, r.data]));
    expect(byId(asOwner.body.rows)).toEqual({
      'a-1': account('a-1', 'ada').data,
      'b-1': account('b-1', 'bo').data,
    });
    expect(audits).toContainEqual({
      eventId: 'personal-data-read',
      meta: { eventType: ACCOUNT, partition: partition.start },
      outcome: { rows: 2, values: 6 },
    });

    // Another user sees masks (and the pseudonyms); an admin sees clear.
    const asOther = await preview(server, partition.start, bob);
    expect(asOther.body.personalData.access).toBe('masked');
    expect(byId(asOther.body.rows)['a-1']).toEqual({
      user: { id: adaRaw.data.user.id, email: MASKED_VALUE, plan: 'free' },
      contacts: [{ phone: MASKED_VALUE }],
    });
    expect(JSON.stringify(asOther.body)).not.toContain('ada@example.com');
    expect(
      (await preview(server, partition.start, carol)).body.personalData.access,
    ).toBe('clear');

    // Failed events: clear to the owner, masked to others.
    const failedOwner = await failedEvents(server, alice);
    expect(JSON.parse(failedOwner.body.items[0].payload).data.user.email).toBe(
      'ada@example.com',
    );
    const failedOther = await failedEvents(server, bob);
    expect(failedOther.body.items[0]).toMatchObject({
      eventId: 'a-2',
      payloadMasked: true,
    });
    expect(failedOther.body.items[0].payload).not.toContain('ada');

    // Only admins erase.
    const refused = await request(server)
      .delete('/api/delivery-pipeline/data-subjects/ada')
      .set('Authorization', alice);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/data platform admins/);
    const erased = await request(server)
      .delete('/api/delivery-pipeline/data-subjects/ada')
      .set('Authorization', carol);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      subject: 'ada',
      erasedAt: expect.any(String),
      keysDeleted: 1,
      failedEventsDeleted: 1,
      suppressed: false,
    });
    const again = await request(server)
      .delete('/api/delivery-pipeline/data-subjects/ada')
      .set('Authorization', carol);
    expect(again.body).toEqual(erased.body);
    const erasure = audits.filter(a => a.eventId === 'data-subject-erase');
    expect(erasure).toHaveLength(2);
    expect(JSON.stringify(erasure)).not.toContain('ada');

    // Ada's values are gone from every copy; Bo's read as before.
    const after = byId(
      (await preview(server, partition.start, alice)).body.rows,
    );
    expect(after['a-1']).toEqual({
      user: { id: ERASED_VALUE, email: ERASED_VALUE, plan: 'free' },
      contacts: [{ phone: ERASED_VALUE }],
    });
    expect(after['b-1']).toEqual(account('b-1', 'bo').data);
    expect((await failedEvents(server, alice)).body.items).toEqual([]);
  });

  it('lets an allowed batch job decrypt delivered events through the library, and no one else', async () => {
    const pipeline = await startWithPersonalData();
    const { server, audits } = pipeline;
    await sendBatch(server, [account('a-1', 'ada'), account('b-1', 'bo')]);
    const raw = await waitForRaw(pipeline.storage, ['a-1', 'b-1']);
    const baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/delivery-pipeline`;
    const tokenOf = (h: string) => h.replace(/^Bearer /, '');

    const decrypter = new PersonalDataDecrypter({
      baseUrl,
      token: tokenOf(alice),
      subjects: true,
    });
    const { events, opened } = await decrypter.decryptEvents({
      eventType: ACCOUNT,
      events: raw,
      source: 'raw/test',
    });
    expect(opened).toBe(6);
    expect(events.map(e => e.data)).toEqual(
      raw.map(line => account(line.id, line.id === 'a-1' ? 'ada' : 'bo').data),
    );
    expect(audits).toContainEqual({
      eventId: 'personal-data-read',
      meta: { eventType: ACCOUNT, source: 'raw/test' },
      outcome: { values: 6, erased: 0 },
    });

    const denied = await new PersonalDataDecrypter({
      baseUrl,
      token: tokenOf(bob),
    })
      .decryptEvents({ eventType: ACCOUNT, events: raw })
      .catch(e => e);
    expect(denied).toBeInstanceOf(ResponseError);
    expect(denied.statusCode).toBe(403);

    // A value sealed for one type does not open as another's.
    const moved = await request(server)
      .post('/api/delivery-pipeline/personal-data/decrypt')
      .set('Authorization', carol)
      .send({
        eventType: 'com.example.playback.started',
        values: [raw[0].data.user.email],
      });
    expect(moved.body).toEqual({ results: [{ state: 'unreadable' }] });

    const bad = (body: unknown) =>
      request(server)
        .post('/api/delivery-pipeline/personal-data/decrypt')
        .set('Authorization', alice)
        .send(body as object);
    expect((await bad({ values: ['x'] })).body.error.message).toMatch(
      /^request\/body must have required property 'eventType'/,
    );
    expect(
      (await bad({ eventType: ACCOUNT, values: ['hello'] })).body.error.message,
    ).toBe(
      'values[0] is neither a sealed personal value (pd1:<keyId>:...) nor a pseudonym (ps1:<keyId>)',
    );
    const tooMany = await bad({
      eventType: ACCOUNT,
      values: Array.from({ length: 5001 }, () => raw[0].data.user.email),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(
      /request\/body\/values must NOT have more than 5000 items/,
    );
  });

  it("refuses a suppressed person's events without keeping them, until the suppression is lifted", async () => {
    const pipeline = await startWithPersonalData();
    const { server } = pipeline;
    await sendBatch(server, [account('a-1', 'ada')]);
    const erased = await request(server)
      .delete('/api/delivery-pipeline/data-subjects/ada?suppress=true')
      .set('Authorization', carol);
    expect(erased.body).toMatchObject({ keysDeleted: 1, suppressed: true });

    const refused = await sendBatch(server, [
      account('a-2', 'ada'),
      account('b-1', 'bo'),
      // Invalid as well: still not kept, as a failed event either.
      account('a-3', 'ada', { contacts: 'none' }),
    ]);
    expect(refused.body).toEqual({
      accepted: 1,
      rejected: [
        {
          index: 0,
          id: 'a-2',
          reason: expect.stringContaining('no longer be collected'),
        },
        {
          index: 2,
          id: 'a-3',
          reason: expect.stringContaining('data does not follow'),
        },
      ],
    });
    expect((await failedEvents(server, carol)).body.items).toEqual([]);

    const badFlag = await request(server)
      .delete('/api/delivery-pipeline/data-subjects/ada?suppress=yes')
      .set('Authorization', carol);
    expect(badFlag.status).toBe(400);
    const lift = await request(server)
      .delete('/api/delivery-pipeline/data-subjects/ada/suppression')
      .set('Authorization', carol);
    expect(lift.body).toEqual({ subject: 'ada', suppressed: false });
    expect(
      (
        await request(server)
          .delete('/api/delivery-pipeline/data-subjects/ada/suppression')
          .set('Authorization', carol)
      ).status,
    ).toBe(404);
    // Ada's new events are new data, under a new key.
    const back = await sendBatch(server, [account('a-4', 'ada')]);
    expect(back.body.accepted).toBe(1);
    const lines = await waitForRaw(pipeline.storage, ['a-1', 'a-4']);
    const pseudonyms = lines
      .filter(l => l.id.startsWith('a-'))
      .map(l => l.data.user.id);
    expect(new Set(pseudonyms).size).toBe(2);
    expect(await rawLines(pipeline.storage)).toHaveLength(3);
  });
});
