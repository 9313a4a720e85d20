import { getResponse, RequestHandler } from 'msw';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/**
 * Serves msw handlers over real HTTP, so that the fakes the unit tests use
 * in-process also answer backends in other processes (which a crash test
 * SIGKILLs while the fakes' state lives on here).
 */
export async function serveHandlers(
  handlers: RequestHandler[],
  options: { port?: number; host?: string } = {},
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    answer(handlers, req, res).catch(error => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
      }
      res.end(`The fake failed: ${error?.stack ?? error}`);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(
  handlers: RequestHandler[],
  req: IncomingMessage,
  res: ServerResponse,
) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach(v => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Required by fetch for a streamed request body.
    duplex: 'half',
  } as RequestInit);
  const response = await getResponse(handlers, request);
  if (!response) {
    res.writeHead(501, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          code: 501,
          message: `The fake does not implement ${req.method} ${req.url}`,
          status: 'UNIMPLEMENTED',
        },
      }),
    );
    return;
  }
  const outHeaders: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    outHeaders[name] = value;
  });
  res.writeHead(response.status, outHeaders);
  if (response.body) {
    Readable.fromWeb(response.body as never).pipe(res);
  } else {
    res.end();
  }
}
