import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { gzipSync } from 'node:zlib';
import {
  decryptDeliveredFile,
  PersonalDataDecrypter,
} from './PersonalDataDecrypter';

const BASE = 'http://pipeline.test/api/delivery-pipeline';
const K1 = 'AAAAAAAAAAAAAAAAAAAAAA';
const K2 = 'BBBBBBBBBBBBBBBBBBBBBB';
/** What the fake pipeline knows: K2 was erased. */
const clear: Record<string, unknown> = {
  [`pd1:${K1}:email`]: 'alice@example.com',
  [`pd1:${K1}:age`]: 42,
  [`ps1:${K1}`]: 'alice',
};
const requests: Array<{ auth: string | null; body: any }> = [];

const server = setupServer(
  http.post(`${BASE}/personal-data/decrypt`, async ({ request }) => {
    const body = (await request.json()) as any;
    requests.push({ auth: request.headers.get('authorization'), body });
    if (body.eventType === 'com.example.forbidden') {
      return HttpResponse.json(
        {
          error: { name: 'NotAllowedError', message: 'You may not read it' },
          response: { statusCode: 403 },
        },
        { status: 403 },
      );
    }
    return HttpResponse.json({
      results: body.values.map((v: string) =>
        v in clear
          ? { value: clear[v] }
          : { state: v.includes(K2) ? 'erased' : 'unreadable' },
      ),
    });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  requests.length = 0;
});
afterAll(() => server.close());

const event = (n: number, data: object) => ({
  id: `e-${n}`,
  source: '//s',
  type: 'com.example.a',
  data,
});

describe('PersonalDataDecrypter', () => {
  it('decrypts sealed values in batches of distinct values, erased and changed ones becoming null', async () => {
    const decrypter = new PersonalDataDecrypter({
      baseUrl: async () => BASE,
      token: 'job-token',
      batchSize: 2,
    });
    const events = [
      event(1, {
        user: `ps1:${K1}`,
        email: `pd1:${K1}:email`,
        age: `pd1:${K1}:age`,
      }),
      event(2, {
        user: `ps1:${K2}`,
        email: `pd1:${K2}:email`,
        list: [`pd1:${K1}:email`],
      }),
      event(3, { note: `pd1:${K1}:changed`, plain: 'pd1:not-a-key' }),
    ];
    const result = await decrypter.decryptEvents({
      eventType: 'com.example.a',
      events,
      source: 'delivered/com.example.a/part-0.ndjson.gz',
    });
    expect(result.events.map(e => e.data)).toEqual([
      { user: `ps1:${K1}`, email: 'alice@example.com', age: 42 },
      { user: `ps1:${K2}`, email: null, list: ['alice@example.com'] },
      { note: null, plain: 'pd1:not-a-key' },
    ]);
    expect(result).toMatchObject({ opened: 3, erased: 1, unreadable: 1 });
    // 4 distinct sealed values, 2 per request; pseudonyms left alone.
    expect(requests.map(r => r.body.values.length)).toEqual([2, 2]);
    expect(requests[0]).toMatchObject({
      auth: 'Bearer job-token',
      body: {
        eventType: 'com.example.a',
        source: 'delivered/com.example.a/part-0.ndjson.gz',
      },
    });
    // The events given are not changed.
    expect(events[0].data).toMatchObject({ email: `pd1:${K1}:email` });
  });

  it('turns pseudonyms into subject ids when asked', async () => {
    const decrypter = new PersonalDataDecrypter({
      baseUrl: BASE,
      token: async () => 'fresh-token',
      subjects: true,
    });
    const { events } = await decrypter.decryptEvents({
      eventType: 'com.example.a',
      events: [
        event(1, { user: `ps1:${K1}` }),
        event(2, { user: `ps1:${K2}` }),
      ],
    });
    expect(events.map(e => e.data)).toEqual([
      { user: 'alice' },
      { user: null },
    ]);
    expect(requests[0].auth).toBe('Bearer fresh-token');
  });

  it("throws the pipeline's refusal", async () => {
    const decrypter = new PersonalDataDecrypter({ baseUrl: BASE, token: 't' });
    const error = await decrypter
      .decryptEvents({
        eventType: 'com.example.forbidden',
        events: [event(1, { email: `pd1:${K1}:email` })],
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    // Nothing sealed: no request at all.
    requests.length = 0;
    await decrypter.decryptEvents({
      eventType: 'com.example.forbidden',
      events: [event(1, { plain: 'x' })],
    });
    expect(requests).toEqual([]);
  });

  it('reads a delivered file line by line, decrypting a batch at a time', async () => {
    const decrypter = new PersonalDataDecrypter({ baseUrl: BASE, token: 't' });
    const lines = Array.from({ length: 5 }, (_, n) =>
      JSON.stringify(event(n, { email: `pd1:${K1}:email`, n })),
    );
    const decrypted = [];
    for await (const e of decryptDeliveredFile({
      decrypter,
      eventType: 'com.example.a',
      content: gzipSync(`${lines.join('\n')}\n`),
      batchEvents: 2,
    })) {
      decrypted.push(e);
    }
    expect(decrypted.map(e => e.data)).toEqual(
      Array.from({ length: 5 }, (_, n) => ({ email: 'alice@example.com', n })),
    );
    expect(requests).toHaveLength(3);
  });
});
