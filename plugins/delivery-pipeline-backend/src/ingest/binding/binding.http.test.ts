import { CloudEvent, HTTP } from 'cloudevents';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { BindingError } from './BindingError';
import { BindingLimits, DEFAULT_BINDING_LIMITS } from './limits';
import { parseCloudEvents } from './parseCloudEvents';
import { readBody } from './readBody';

/**
 * readBody and parseCloudEvents behind a real Node HTTP server, for what
 * only a real connection shows: header bytes decoded as latin1, and a 413
 * reaching a client that is still sending.
 */

const limits: BindingLimits = {
  ...DEFAULT_BINDING_LIMITS,
  maxRequestBytes: 64 * 1024,
};

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let status = 200;
    let text: string;
    try {
      const body = await readBody(req, limits);
      text = JSON.stringify(
        parseCloudEvents({ headers: req.headers, body, limits }),
      );
    } catch (error) {
      status = error instanceof BindingError ? error.status : 500;
      text = (error as Error).message;
    }
    // With a Content-Length rather than chunked, so a raw socket can read it.
    res.writeHead(status, { 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
});

type Response = { status: number; text: string };

/** Sends a POST; `send` writes the body and ends the request. */
function post(
  headers: http.OutgoingHttpHeaders,
  send: (req: http.ClientRequest) => void,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers,
        agent: false,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    send(req);
  });
}

describe('the binding over HTTP', () => {
  it('accepts a gzip-compressed structured event from the SDK', async () => {
    const event = new CloudEvent({
      type: 'com.example.t',
      source: '/s',
      data: { a: 'ü' },
    });
    const message = HTTP.structured(event);
    const response = await post(
      {
        ...message.headers,
        'content-encoding': 'gzip',
      } as http.OutgoingHttpHeaders,
      req => req.end(gzipSync(message.body as string)),
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({
      mode: 'structured',
      items: [
        { ok: true, parsed: { event: { id: event.id, data: { a: 'ü' } } } },
      ],
    });
  });

  it('sees raw UTF-8 header bytes as such, and says how to encode them', async () => {
    // The SDK does not percent-encode, and Node's client writes header
    // values as UTF-8, as most clients do.
    const message = HTTP.binary(
      new CloudEvent({
        type: 'com.example.t',
        source: '/s',
        subject: 'Grüße',
        data: {},
      }),
    );
    const response = await post(
      message.headers as http.OutgoingHttpHeaders,
      req => req.end(message.body as string),
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).items[0]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^Header ce-subject contains the byte 0xC3 at position 2, .*it looks like unencoded UTF-8 for "Grüße": send "Gr%C3%BC%C3%9Fe"$/,
      ),
    });
  });

  it('sees a Latin-1 header byte as such', async () => {
    const body = '{}';
    const request = Buffer.concat([
      Buffer.from(
        'POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n' +
          'Content-Type: application/json\r\nce-specversion: 1.0\r\nce-id: 1\r\n' +
          `ce-source: /s\r\nce-type: t\r\nContent-Length: ${body.length}\r\nce-subject: Gr`,
      ),
      Buffer.from([0xfc]), // "ü" in Latin-1
      Buffer.from(`n\r\n\r\n${body}`),
    ]);
    const socket = net.connect(port, '127.0.0.1');
    socket.end(request);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk);
    const response = Buffer.concat(chunks).toString();
    expect(response).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(
      JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)).items[0]
        .reason,
    ).toMatch(
      /contains the byte 0xFC at position 2, .*if you meant "Grün", send "Gr%C3%BCn"$/,
    );
  });

  it('answers 413 to a client still sending an endless body', async () => {
    const chunk = Buffer.alloc(16 * 1024, ' ');
    let written = 0;
    const response = await post(
      { 'content-type': 'application/cloudevents-batch+json' },
      req => {
        // Chunked, with no Content-Length; stop once the answer is in.
        const writeMore = () => {
          while (written < 100 * chunk.length && req.write(chunk))
            written += chunk.length;
          if (written < 100 * chunk.length) req.once('drain', writeMore);
          else req.end();
        };
        req.once('response', () => req.end());
        writeMore();
      },
    );
    expect(response).toEqual({
      status: 413,
      text: 'The request body is too large: it is over the limit of 65536 bytes; send fewer events per request',
    });
  });

  it('answers 413 to a declared Content-Length over the limit', async () => {
    const body = Buffer.alloc(limits.maxRequestBytes + 1, ' ');
    const response = await post(
      {
        'content-type': 'application/cloudevents+json',
        'content-length': body.length,
      },
      req => req.end(body),
    );
    expect(response).toEqual({
      status: 413,
      text: 'The request body is too large: its Content-Length is 65537 bytes and the limit is 65536 bytes; send fewer events per request',
    });
  });
});
