import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { HttpDeliveredRootReader } from './HttpDeliveredRootReader';

/** The header the mock auth service makes for catalog to `targetPluginId`. */
function catalogTo(targetPluginId: string) {
  return `Bearer ${mockCredentials.service.token({
    onBehalfOf: mockCredentials.service('plugin:catalog'),
    targetPluginId,
  })}`;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The readers of the catalog module, against a stand-in backend. */
describe('the catalog module’s HTTP readers', () => {
  let server: Server;
  let origin: string;
  let handler: Handler;
  let requests: { url: string; authorization?: string }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
      handler(req, res);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
  });

  function services() {
    return {
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId => `${origin}/api/${pluginId}`,
      }),
      auth: mockServices.auth({ pluginId: 'catalog' }),
    };
  }

  describe('HttpDeliveredRootReader', () => {
    it('asks the pipeline where it delivers to, as the calling service', async () => {
      handler = (_req, res) =>
        sendJson(res, 200, { location: 'gs://bucket/delivered' });

      await expect(
        new HttpDeliveredRootReader(services()).getDeliveredRoot(),
      ).resolves.toBe('gs://bucket/delivered');
      expect(requests).toEqual([
        {
          url: '/api/delivery-pipeline/datasets',
          authorization: catalogTo('delivery-pipeline'),
        },
      ]);
    });

    it('throws on an error status or an answer without a location', async () => {
      const reader = new HttpDeliveredRootReader(services());
      handler = (_req, res) =>
        sendJson(res, 404, {
          error: { name: 'NotFoundError', message: 'Not found' },
          response: { statusCode: 404 },
        });
      await expect(reader.getDeliveredRoot()).rejects.toEqual(
        expect.any(ResponseError),
      );

      handler = (_req, res) => sendJson(res, 200, { location: '' });
      await expect(reader.getDeliveredRoot()).rejects.toThrow(
        `GET ${origin}/api/delivery-pipeline/datasets answered without a location: {"location":""}`,
      );
    });
  });
});
