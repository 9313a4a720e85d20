import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { BindingError } from './BindingError';
import { quote } from './describeValue';
import { headerValue } from './headers';
import type { BindingLimits } from './limits';

const gunzipAsync = promisify(gunzip);

/** A request body stream with its headers; an express Request is one. */
export type BodySource = Readable & { headers: IncomingHttpHeaders };

/**
 * Reads a request body, undoing `Content-Encoding: gzip`.
 *
 * Never holds more than `maxRequestBytes` of either the compressed or the
 * decompressed body: a declared Content-Length over the limit is refused
 * before reading, reading stops at the limit, and decompression stops at
 * the limit (so a gzip bomb costs at most that much memory).
 *
 * Throws BindingError: 413 over the limit, 415 for an unsupported
 * encoding, 400 for corrupt or truncated gzip or a request aborted before
 * its body was complete.
 *
 * After a 413 the rest of the body is read and thrown away (as Node does
 * for bodies nobody reads), so that the client, which may still be
 * sending, gets the response and the connection stays usable. Answer with
 * `Connection: close` to drop the connection instead.
 */
export async function readBody(
  req: BodySource,
  limits: Pick<BindingLimits, 'maxRequestBytes'>,
): Promise<Buffer> {
  const { maxRequestBytes } = limits;
  const gzipped = isGzipped(req.headers);

  const declared = Number(headerValue(req.headers, 'content-length'));
  if (declared > maxRequestBytes) {
    throw tooLarge(
      `its Content-Length is ${declared} bytes and the limit is ${maxRequestBytes} bytes`,
    );
  }

  const body = await readStream(req, maxRequestBytes);
  if (!gzipped || body.length === 0) return body;
  return gunzipLimited(body, maxRequestBytes);
}

function tooLarge(detail: string): BindingError {
  return new BindingError(
    413,
    `The request body is too large: ${detail}; send fewer events per request`,
  );
}

/** Whether the body is gzipped; identity and x-gzip (RFC 9110) count too. */
function isGzipped(headers: IncomingHttpHeaders): boolean {
  const codings = (headerValue(headers, 'content-encoding') ?? '')
    .split(',')
    .map(coding => coding.trim().toLowerCase())
    .filter(coding => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return false;
  if (
    codings.length === 1 &&
    (codings[0] === 'gzip' || codings[0] === 'x-gzip')
  ) {
    return true;
  }
  const shown = quote(headerValue(headers, 'content-encoding')!);
  throw new BindingError(
    415,
    `Content-Encoding ${shown} is not supported: send the body uncompressed or ` +
      'with Content-Encoding: gzip',
  );
}

function readStream(stream: BodySource, maxBytes: number): Promise<Buffer> {
  if (stream.readableEnded) {
    // Waiting for 'end' would wait forever.
    return Promise.reject(
      new Error(
        'The request body was already read, probably by a body-parsing middleware ' +
          '(such as express.json()) mounted before the CloudEvents ingest route',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;

    function finish(error: BindingError | undefined) {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) {
        reject(error);
      } else {
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
      }
    }
    function onData(chunk: Buffer | string) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        chunks.length = 0;
        finish(tooLarge(`it is over the limit of ${maxBytes} bytes`));
        stream.resume(); // with our listener gone, this discards the rest
        return;
      }
      chunks.push(buffer);
    }
    function onEnd() {
      finish(undefined);
    }
    function onError(error: Error) {
      finish(
        new BindingError(
          400,
          `The request body could not be read completely (${error.message})`,
        ),
      );
    }
    // 'close' without 'end': the client went away mid-body.
    function onClose() {
      finish(
        new BindingError(400, 'The request ended before its body was complete'),
      );
    }

    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

async function gunzipLimited(body: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    // maxOutputLength stops inflating as soon as the output passes the limit.
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(`it decompresses to over the limit of ${maxBytes} bytes`);
    }
    if (code === 'Z_BUF_ERROR') {
      throw new BindingError(
        400,
        'The gzip-compressed body is truncated: it ends before the compressed data does',
      );
    }
    const reason = (error as Error).message;
    throw new BindingError(
      400,
      `The body is not valid gzip data (${reason}), although Content-Encoding says gzip: ` +
        'send it compressed with gzip, or without Content-Encoding',
    );
  }
}
