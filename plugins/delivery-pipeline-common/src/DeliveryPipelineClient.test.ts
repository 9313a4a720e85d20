import { ResponseError } from '@backstage/errors';
import { DeliveryPipelineClient } from './DeliveryPipelineClient';

describe('DeliveryPipelineClient', () => {
  const baseUrl = 'http://localhost:7007/api/delivery-pipeline';

  function client(answer: (url: string) => Response) {
    const urls: string[] = [];
    const api = new DeliveryPipelineClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      fetchApi: {
        fetch: async input => {
          urls.push(String(input));
          return answer(String(input));
        },
      },
    });
    return { api, urls };
  }

  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });

  it('builds query strings from filters, dates as ISO 8601', async () => {
    const { api, urls } = client(() => json({ items: [] }));
    await api.listPartitions({
      eventType: 'com.example.a',
      from: new Date('2026-11-23T10:00:00Z'),
      state: 'delivered',
      limit: 5,
    });
    await api.getHealth('com.example.a/b');
    await api.previewPartition('com.example.a', '2026-11-23T10:00:00.000Z', {
      limit: 3,
    });
    await api.listFailedEvents({ includeReplayed: true });
    await api.listRetentionDeletions({ cursor: 'c1' });
    expect(urls).toEqual([
      `${baseUrl}/partitions?eventType=com.example.a&from=2026-11-23T10%3A00%3A00.000Z&state=delivered&limit=5`,
      `${baseUrl}/event-types/com.example.a%2Fb/health`,
      `${baseUrl}/partitions/com.example.a/2026-11-23T10%3A00%3A00.000Z/preview?limit=3`,
      `${baseUrl}/failed-events?includeReplayed=true`,
      `${baseUrl}/retention/deletions?cursor=c1`,
    ]);
  });

  it('throws the backend error as a ResponseError', async () => {
    const { api } = client(() =>
      json(
        {
          error: { name: 'NotFoundError', message: 'No partition' },
          request: { method: 'GET', url: '/x' },
          response: { statusCode: 404 },
        },
        404,
      ),
    );
    const error = await api
      .previewPartition('t', '2026-11-23T10:00:00Z')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.message).toBe('No partition');
  });
});
