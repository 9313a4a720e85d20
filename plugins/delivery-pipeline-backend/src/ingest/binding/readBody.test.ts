import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BindingError } from './BindingError';
import { BodySource, readBody } from './readBody';

const limits = { maxRequestBytes: 1000 };

/** A request whose body arrives in the given chunks. */
function request(
  headers: IncomingHttpHeaders,
  ...chunks: Array<Buffer | string>
): BodySource {
  const stream = Object.assign(new PassThrough(), { headers });
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return stream;
}

/** Splits a buffer into chunks of `size` bytes. */
function chunked(buffer: Buffer, size: number): Buffer[] {
  const chunks = [];
  for (let i = 0; i < buffer.length; i += size) {
    chunks.push(buffer.subarray(i, i + size));
  }
  return chunks;
}

function bindingError(status: number, message: RegExp) {
  return expect.objectContaining({
    name: 'BindingError',
    status,
    message: expect.stringMatching(message),
  });
}

describe('readBody', () => {
  describe('without Content-Encoding', () => {
    it('reads the body, in however many chunks it arrives', async () => {
      const body = Buffer.from('x'.repeat(1000));
      await expect(
        readBody(request({}, ...chunked(body, 7)), limits),
      ).resolves.toEqual(body);
    });

    it('reads an empty body', async () => {
      await expect(readBody(request({}), limits)).resolves.toEqual(
        Buffer.alloc(0),
      );
    });

    it('reads a body of exactly the limit', async () => {
      const body = Buffer.alloc(1000, 'a');
      await expect(readBody(request({}, body), limits)).resolves.toEqual(body);
    });

    it.each(['identity', 'IDENTITY', ' identity , identity', ''])(
      'accepts Content-Encoding %j as no encoding',
      async contentEncoding => {
        await expect(
          readBody(
            request({ 'content-encoding': contentEncoding }, 'abc'),
            limits,
          ),
        ).resolves.toEqual(Buffer.from('abc'));
      },
    );

    it('refuses a declared Content-Length over the limit without reading', async () => {
      const req = request({ 'content-length': '1001' }, 'abc');
      await expect(readBody(req, limits)).rejects.toEqual(
        bindingError(
          413,
          /^The request body is too large: its Content-Length is 1001 bytes and the limit is 1000 bytes; send fewer events per request$/,
        ),
      );
      expect(req.readableLength).toBe(3);
    });

    it('stops reading at the limit when there is no Content-Length', async () => {
      await expect(
        readBody(request({}, ...chunked(Buffer.alloc(1001), 100)), limits),
      ).rejects.toEqual(
        bindingError(
          413,
          /^The request body is too large: it is over the limit of 1000 bytes; send fewer events per request$/,
        ),
      );
    });

    it('does not wait for an endless body to end before refusing it', async () => {
      let produced = 0;
      const endless = Object.assign(
        new Readable({
          read() {
            // Asynchronously, as a socket delivers data.
            setImmediate(() => {
              produced += 64;
              this.push(Buffer.alloc(64));
            });
          },
        }),
        { headers: {} },
      );
      await expect(readBody(endless, limits)).rejects.toEqual(
        bindingError(413, /it is over the limit of 1000 bytes/),
      );
      const producedAtRefusal = produced;
      endless.destroy();
      expect(producedAtRefusal).toBeLessThan(2000);
    });

    it('discards the rest of a refused body, so the stream can finish', async () => {
      const req = request(
        {},
        Buffer.alloc(600),
        Buffer.alloc(600),
        Buffer.alloc(600),
      );
      const ended = new Promise(resolve => req.once('end', resolve));
      await expect(readBody(req, limits)).rejects.toBeInstanceOf(BindingError);
      await ended;
      expect(req.readableEnded).toBe(true);
    });
  });

  describe('with Content-Encoding: gzip', () => {
    const text = JSON.stringify({ message: 'hello '.repeat(100) });

    it.each(['gzip', 'GZIP', 'x-gzip', 'gzip, identity'])(
      'decompresses with Content-Encoding %j',
      async contentEncoding => {
        const compressed = gzipSync(text);
        const req = request(
          { 'content-encoding': contentEncoding },
          ...chunked(compressed, 10),
        );
        await expect(readBody(req, limits)).resolves.toEqual(Buffer.from(text));
      },
    );

    it('decompresses to exactly the limit', async () => {
      const body = Buffer.alloc(1000, 'a');
      await expect(
        readBody(
          request({ 'content-encoding': 'gzip' }, gzipSync(body)),
          limits,
        ),
      ).resolves.toEqual(body);
    });

    it('reads an empty body as empty', async () => {
      await expect(
        readBody(request({ 'content-encoding': 'gzip' }), limits),
      ).resolves.toEqual(Buffer.alloc(0));
    });

    it('refuses a gzip bomb, inflating no further than the limit', async () => {
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
      await expect(
        readBody(request({ 'content-encoding': 'gzip' }, bomb), {
          maxRequestBytes: 1024 * 1024,
        }),
      ).rejects.toEqual(
        bindingError(
          413,
          /^The request body is too large: it decompresses to over the limit of 1048576 bytes; send fewer events per request$/,
        ),
      );
    });

    it('refuses a body that decompresses to one byte over the limit', async () => {
      await expect(
        readBody(
          request({ 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(1001))),
          limits,
        ),
      ).rejects.toEqual(
        bindingError(413, /it decompresses to over the limit of 1000 bytes/),
      );
    });

    it('refuses a compressed body over the limit', async () => {
      const incompressible = gzipSync(randomBytes(2000));
      await expect(
        readBody(
          request({ 'content-encoding': 'gzip' }, incompressible),
          limits,
        ),
      ).rejects.toEqual(
        bindingError(
          413,
          /^The request body is too large: it is over the limit of 1000 bytes; send fewer events per request$/,
        ),
      );
    });

    it('refuses truncated gzip', async () => {
      const compressed = gzipSync(text);
      await expect(
        readBody(
          request(
            { 'content-encoding': 'gzip' },
            compressed.subarray(0, compressed.length - 10),
          ),
          limits,
        ),
      ).rejects.toEqual(
        bindingError(
          400,
          /^The gzip-compressed body is truncated: it ends before the compressed data does$/,
        ),
      );
    });

    it('refuses corrupt gzip', async () => {
      const compressed = Buffer.from(gzipSync(text));
      compressed[compressed.length - 6] ^= 0xff; // in the CRC-32 trailer
      await expect(
        readBody(request({ 'content-encoding': 'gzip' }, compressed), limits),
      ).rejects.toEqual(
        bindingError(
          400,
          /^The body is not valid gzip data \(incorrect data check\), although Content-Encoding says gzip/,
        ),
      );
    });

    it('refuses a body that is not gzip at all', async () => {
      await expect(
        readBody(request({ 'content-encoding': 'gzip' }, text), limits),
      ).rejects.toEqual(
        bindingError(400, /not valid gzip data \(incorrect header check\)/),
      );
    });
  });

  it.each(['br', 'deflate', 'zstd', 'gzip, gzip', 'gzip, br'])(
    'refuses Content-Encoding %j',
    async contentEncoding => {
      await expect(
        readBody(
          request({ 'content-encoding': contentEncoding }, 'abc'),
          limits,
        ),
      ).rejects.toEqual(
        bindingError(
          415,
          new RegExp(
            `^Content-Encoding "${contentEncoding}" is not supported: send the body uncompressed or with Content-Encoding: gzip$`,
          ),
        ),
      );
    },
  );

  it('reports a request that fails mid-body', async () => {
    const req = Object.assign(new PassThrough(), { headers: {} });
    req.write('{"partial":');
    const reading = readBody(req, limits);
    req.destroy(new Error('aborted'));
    await expect(reading).rejects.toEqual(
      bindingError(
        400,
        /^The request body could not be read completely \(aborted\)$/,
      ),
    );
  });

  it('reports a request closed mid-body', async () => {
    const req = Object.assign(new PassThrough(), { headers: {} });
    req.write('{"partial":');
    const reading = readBody(req, limits);
    req.destroy();
    await expect(reading).rejects.toEqual(
      bindingError(400, /^The request ended before its body was complete$/),
    );
  });

  it('fails loudly when something else has read the body already', async () => {
    const req = request({}, 'abc');
    req.resume();
    await new Promise(resolve => req.once('end', resolve));
    await expect(readBody(req, limits)).rejects.toThrow(
      /already read, probably by a body-parsing middleware/,
    );
  });
});
