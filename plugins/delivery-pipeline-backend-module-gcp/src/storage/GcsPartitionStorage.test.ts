import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { describeStorageConformance } from '@data-collection/plugin-delivery-pipeline-node/testUtils';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeGcs, gcsTestAuthClient } from '../__testUtils__/fakeGcs';
import { serveHandlers } from '../__testUtils__/serveHandlers';
import { TEST_ACCESS_TOKEN, testAuthClient } from '../__testUtils__/testAuth';
import { createGcsBucket } from './createGcsBucket';
import {
  GcsPartitionStorage,
  GcsPartitionStorageOptions,
} from './GcsPartitionStorage';

const BUCKET = 'events-bucket';
const PREFIX = 'delivery-pipeline/';
const PARTITION =
  'raw/com.example.playback.started/2026-11-23/10/part-1.ndjson.gz';
const KIB = 1024;

// Delays in seconds: at most 1 s between attempts, the least `File.save`
// accepts.
const FAST_RETRIES = {
  retryDelayMultiplier: 1.1,
  maxRetryDelay: 1,
  totalTimeout: 20,
  maxRetries: 4,
};

const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function setup(
  options: Partial<Omit<GcsPartitionStorageOptions, 'bucket'>> & {
    apiEndpoint?: string;
    retryOptions?: Partial<typeof FAST_RETRIES>;
  } = {},
) {
  const fake = new FakeGcs({
    buckets: [BUCKET],
    accessToken: TEST_ACCESS_TOKEN,
  });
  server.use(...fake.handlers());
  const { apiEndpoint, retryOptions, ...storageOptions } = options;
  const storage = new GcsPartitionStorage({
    bucket: createGcsBucket({
      bucket: BUCKET,
      projectId: 'test-project',
      authClient: gcsTestAuthClient(),
      apiEndpoint,
      retryOptions: { ...FAST_RETRIES, ...retryOptions },
    }),
    prefix: PREFIX,
    resumableThresholdBytes: 512 * KIB,
    resumableChunkBytes: 256 * KIB,
    logger: mockServices.logger.mock(),
    ...storageOptions,
  });
  const uploads = () =>
    fake.requests.filter(r => r.operation.startsWith('objects.insert'));
  return { fake, storage, uploads };
}

describe('GcsPartitionStorage', () => {
  // Against the fake Cloud Storage, a fresh bucket for each test; the
  // prefix is part of what is checked (nothing listed or named beside it).
  // The large object is past the resumable threshold, so uploads in chunks.
  describeStorageConformance([['gcs']], async () => setup().storage, {
    urlScheme: 'gs:',
    largeObjectBytes: 3 * 512 * KIB + 17,
  });

  it('writes, reads, lists and deletes partitions under the prefix', async () => {
    const { fake, storage } = setup();
    const other =
      'raw/com.example.playback.started/2026-11-23/11/part-2.ndjson.gz';
    await storage.write(PARTITION, Buffer.from('first'));
    await storage.write(other, Buffer.from('second'));
    await storage.write('delivered/x/part.json', Buffer.from('{}'));

    expect(fake.objectNames(BUCKET)).toEqual([
      `${PREFIX}delivered/x/part.json`,
      `${PREFIX}${PARTITION}`,
      `${PREFIX}${other}`,
    ]);
    expect((await storage.read(PARTITION)).toString()).toBe('first');
    expect(await storage.list('raw/com.example.playback.started')).toEqual([
      PARTITION,
      other,
    ]);
    expect(await storage.list('')).toEqual([
      'delivered/x/part.json',
      PARTITION,
      other,
    ]);

    await storage.write(PARTITION, Buffer.from('replaced'));
    expect((await storage.read(PARTITION)).toString()).toBe('replaced');

    await storage.delete(PARTITION);
    expect(await storage.list('raw')).toEqual([other]);
    await expect(storage.read(PARTITION)).rejects.toThrow(NotFoundError);
  });

  it('lists a folder, not every name that starts alike', async () => {
    const { fake, storage } = setup();
    await fake.putObject(BUCKET, `${PREFIX}raw/a/1`, 'x');
    await fake.putObject(BUCKET, `${PREFIX}raw/ab/2`, 'x');
    await fake.putObject(BUCKET, 'elsewhere/raw/a/3', 'x');
    await fake.putObject(BUCKET, `${PREFIX}raw/a/folder/`, '');

    expect(await storage.list('raw/a')).toEqual(['raw/a/1']);
    expect(await storage.list('raw/a/')).toEqual(['raw/a/1']);
    expect(await storage.list('nothing/here')).toEqual([]);
  });

  it('rejects a read of a missing object with NotFoundError naming its URL', async () => {
    const { storage } = setup();
    const read = storage.read('raw/missing.ndjson.gz');
    await expect(read).rejects.toThrow(NotFoundError);
    await expect(read).rejects.toThrow(
      `No object at gs://${BUCKET}/${PREFIX}raw/missing.ndjson.gz`,
    );
  });

  it('deletes a missing object without an error', async () => {
    const { fake, storage } = setup();
    await expect(storage.delete('raw/missing')).resolves.toBeUndefined();
    expect(fake.requests.map(r => r.operation)).toEqual(['objects.get']);
  });

  it('deletes conditionally and retries when the object changed in between', async () => {
    const { fake, storage } = setup();
    await storage.write(PARTITION, Buffer.from('old'));
    fake.beforeNext({ operation: 'objects.delete' }, async () => {
      await fake.putObject(BUCKET, PREFIX + PARTITION, 'newer');
    });

    await storage.delete(PARTITION);

    expect(fake.getObject(BUCKET, PREFIX + PARTITION)).toBeUndefined();
    const deletes = fake.requests.filter(r => r.operation === 'objects.delete');
    expect(deletes.map(r => r.status)).toEqual([412, 204]);
    expect(deletes[0].query.ifGenerationMatch).toBeDefined();
  });

  it('pages through long listings', async () => {
    const { fake, storage } = setup({ listPageSize: 3 });
    const names = Array.from(
      { length: 10 },
      (_, i) => `raw/t/2026-11-23/10/part-${String(i).padStart(2, '0')}`,
    );
    for (const name of [...names].reverse()) {
      await fake.putObject(BUCKET, PREFIX + name, name);
    }

    expect(await storage.list('raw/t')).toEqual(names);
    const lists = fake.requests.filter(r => r.operation === 'objects.list');
    expect(lists).toHaveLength(4);
    expect(lists[0].query).toMatchObject({
      prefix: `${PREFIX}raw/t/`,
      maxResults: '3',
    });
    expect(lists[1].query.pageToken).toBeDefined();
  });

  it('sends small objects in one multipart request with content type and hashes', async () => {
    const { fake, storage, uploads } = setup();
    await storage.write(PARTITION, Buffer.from('gzipped bytes'));
    await storage.write('manifests/m.json', Buffer.from('{"a":1}'));
    await storage.write('other/blob', Buffer.from('raw'));

    expect(uploads().map(r => r.operation)).toEqual([
      'objects.insert.multipart',
      'objects.insert.multipart',
      'objects.insert.multipart',
    ]);
    expect(uploads()[0].query.ifGenerationMatch).toBe('0');
    // Hashes go in the metadata, for Cloud Storage to check before commit.
    const stored = fake.getObject(BUCKET, PREFIX + PARTITION)!;
    expect(uploads()[0].metadata).toMatchObject({
      contentType: 'application/gzip',
      crc32c: stored.crc32c,
      md5Hash: stored.md5Hash,
    });
    expect(fake.getObject(BUCKET, PREFIX + PARTITION)?.contentType).toBe(
      'application/gzip',
    );
    expect(
      fake.getObject(BUCKET, `${PREFIX}manifests/m.json`)?.contentType,
    ).toBe('application/json');
    expect(fake.getObject(BUCKET, `${PREFIX}other/blob`)?.contentType).toBe(
      'application/octet-stream',
    );
  });

  it('has Cloud Storage refuse an upload whose bytes do not match its hashes', async () => {
    // The storage sends CRC32C and MD5 in the metadata; the fake checks them
    // as Cloud Storage does, so a damaged upload never becomes an object.
    const { fake } = setup();
    const bucket = createGcsBucket({
      bucket: BUCKET,
      authClient: gcsTestAuthClient(),
      retryOptions: FAST_RETRIES,
    });
    await expect(
      bucket.file('damaged').save(Buffer.from('bytes'), {
        resumable: false,
        validation: false,
        metadata: { crc32c: 'AAAAAA==' },
        preconditionOpts: { ifGenerationMatch: 0 },
      }),
    ).rejects.toMatchObject({ code: 400 });
    expect(fake.getObject(BUCKET, 'damaged')).toBeUndefined();
  });

  it('skips the upload when the object already holds the same bytes', async () => {
    const { fake, storage, uploads } = setup();
    await storage.write(PARTITION, Buffer.from('same'));
    const generation = fake.getObject(BUCKET, PREFIX + PARTITION)!.generation;

    await storage.write(PARTITION, Buffer.from('same'));

    expect(uploads()).toHaveLength(1);
    expect(fake.getObject(BUCKET, PREFIX + PARTITION)!.generation).toBe(
      generation,
    );
  });

  it('sends large objects as a resumable upload in chunks', async () => {
    const { fake, storage, uploads } = setup();
    const content = randomBytes(700 * KIB);

    await storage.write(PARTITION, content);

    expect(fake.resumableSessionCount).toBe(1);
    expect(uploads().map(r => r.operation)).toEqual([
      'objects.insert.resumable.start',
      'objects.insert.resumable.chunk',
      'objects.insert.resumable.chunk',
      'objects.insert.resumable.chunk',
    ]);
    expect(uploads()[0].query.ifGenerationMatch).toBe('0');
    const object = fake.getObject(BUCKET, PREFIX + PARTITION)!;
    expect(uploads()[0].metadata).toMatchObject({
      crc32c: object.crc32c,
      md5Hash: object.md5Hash,
    });
    expect(object.content.equals(content)).toBe(true);
    expect(object.contentType).toBe('application/gzip');
    expect((await storage.read(PARTITION)).equals(content)).toBe(true);
  });

  it('uses a multipart upload just below the threshold and resumable at it', async () => {
    const { fake, storage } = setup({ resumableThresholdBytes: 300 * KIB });
    await storage.write('a', randomBytes(300 * KIB - 1));
    expect(fake.resumableSessionCount).toBe(0);
    await storage.write('b', randomBytes(300 * KIB));
    expect(fake.resumableSessionCount).toBe(1);
  });

  it('resumes a resumable upload after a chunk fails half-way', async () => {
    const { fake, storage, uploads } = setup();
    const content = randomBytes(700 * KIB);
    // The second chunk breaks after 100 KiB reached the server.
    fake.failNext(
      { operation: 'objects.insert.resumable.chunk' },
      { status: 503, mode: 'partialChunk', keepBytes: 100 * KIB, skip: 1 },
    );

    await storage.write(PARTITION, content);

    expect(fake.resumableSessionCount).toBe(1);
    const statuses = uploads().map(r => r.status);
    expect(statuses).toContain(503);
    expect(statuses[statuses.length - 1]).toBe(200);
    expect(
      fake.getObject(BUCKET, PREFIX + PARTITION)!.content.equals(content),
    ).toBe(true);
  });

  it('retries rate limiting (429) and server errors (503)', async () => {
    const { fake, storage, uploads } = setup();
    fake.failNext({ operation: 'objects.insert.multipart' }, { status: 429 });
    fake.failNext({ operation: 'objects.get.media' }, { status: 503 });
    fake.failNext({ operation: 'objects.list' }, { status: 503 });
    fake.failNext({ operation: 'objects.get' }, { status: 429 });

    await storage.write(PARTITION, Buffer.from('content'));
    expect(uploads().map(r => r.status)).toEqual([429, 200]);
    expect((await storage.read(PARTITION)).toString()).toBe('content');
    expect(await storage.list('raw')).toEqual([PARTITION]);
    expect(
      fake.requests
        .filter(r => r.status === 429 || r.status === 503)
        .map(r => r.operation),
    ).toEqual([
      'objects.get',
      'objects.insert.multipart',
      'objects.get.media',
      'objects.list',
    ]);
  }, 20_000);

  it('retries 503 on resumable session start and on a chunk', async () => {
    const { fake, storage, uploads } = setup();
    fake.failNext(
      { operation: 'objects.insert.resumable.start' },
      { status: 503 },
    );
    fake.failNext(
      { operation: 'objects.insert.resumable.chunk' },
      { status: 429 },
    );
    const content = randomBytes(600 * KIB);

    await storage.write(PARTITION, content);

    expect(
      uploads()
        .filter(r => r.status >= 400)
        .map(r => r.status),
    ).toEqual([503, 429]);
    expect(
      fake.getObject(BUCKET, PREFIX + PARTITION)!.content.equals(content),
    ).toBe(true);
  });

  it('gives up on an error that persists beyond the retries', async () => {
    const { fake, storage, uploads } = setup({
      retryOptions: { maxRetries: 1 },
    });
    fake.failNext(
      { operation: 'objects.insert.multipart' },
      { status: 503, times: 100 },
    );
    await expect(storage.write(PARTITION, Buffer.from('x'))).rejects.toThrow(
      'Backend Error',
    );
    expect(uploads().map(r => r.status)).toEqual([503, 503]);
    expect(fake.getObject(BUCKET, PREFIX + PARTITION)).toBeUndefined();
  });

  it('writes again on top of a concurrent writer and ends with our content', async () => {
    const { fake, storage, uploads } = setup();
    await storage.write(PARTITION, Buffer.from('before'));
    fake.beforeNext({ operation: 'objects.insert.multipart' }, async () => {
      await fake.putObject(BUCKET, PREFIX + PARTITION, 'theirs');
    });

    await storage.write(PARTITION, Buffer.from('ours'));

    expect(uploads().map(r => r.status)).toEqual([200, 412, 200]);
    const [, conflicted, retried] = uploads();
    expect(Number(retried.query.ifGenerationMatch)).toBeGreaterThan(
      Number(conflicted.query.ifGenerationMatch),
    );
    expect((await storage.read(PARTITION)).toString()).toBe('ours');
  });

  it('gives up with a ConflictError when the object keeps changing', async () => {
    const { fake, storage } = setup({ maxPreconditionAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      fake.beforeNext({ operation: 'objects.insert.multipart' }, async () => {
        await fake.putObject(BUCKET, PREFIX + PARTITION, `theirs ${i}`);
      });
    }
    await expect(
      storage.write(PARTITION, Buffer.from('ours')),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('treats a retry after a lost response as harmless', async () => {
    const { fake, storage, uploads } = setup();
    // Stored, but the client sees a 503 and retries the same request.
    fake.failNext(
      { operation: 'objects.insert.multipart' },
      { status: 503, mode: 'afterCommit' },
    );

    await storage.write(PARTITION, Buffer.from('ours'));

    // The retry carried the generation read before the first attempt, so it
    // was refused instead of writing a second generation.
    expect(uploads().map(r => r.status)).toEqual([503, 412]);
    expect(uploads()[1].query.ifGenerationMatch).toBe('0');
    expect(fake.commits).toHaveLength(1);
    expect(fake.getObject(BUCKET, PREFIX + PARTITION)!.content.toString()).toBe(
      'ours',
    );
  });

  it('treats a lost response to the last chunk of a resumable upload as harmless', async () => {
    const { fake, storage } = setup();
    const content = randomBytes(600 * KIB);
    // 600 KiB in 256 KiB chunks: the third request completes the object.
    fake.failNext(
      { operation: 'objects.insert.resumable.chunk' },
      { status: 503, mode: 'afterCommit', skip: 2 },
    );

    await storage.write(PARTITION, content);

    // The client asks the session for its state, finds it complete but
    // cannot use that answer and fails; the storage then sees that the
    // object holds our bytes. One generation was written, no second upload.
    expect(fake.commits).toHaveLength(1);
    expect(fake.resumableSessionCount).toBe(1);
    expect(fake.requests.map(r => [r.operation, r.status])).toEqual([
      ['objects.get', 404],
      ['objects.insert.resumable.start', 200],
      ['objects.insert.resumable.chunk', 308],
      ['objects.insert.resumable.chunk', 308],
      ['objects.insert.resumable.chunk', 503],
      ['objects.insert.resumable.chunk', 200],
      ['objects.get', 200],
    ]);
    expect(
      fake.getObject(BUCKET, PREFIX + PARTITION)!.content.equals(content),
    ).toBe(true);
  });

  it('builds gs:// URLs from the bucket and prefix', () => {
    const { storage } = setup();
    expect(storage.url(PARTITION)).toBe(`gs://${BUCKET}/${PREFIX}${PARTITION}`);
  });

  it('treats the prefix as a folder and works without one', async () => {
    const withoutSlash = setup({ prefix: 'pipeline' });
    expect(withoutSlash.storage.url('raw/a')).toBe(
      `gs://${BUCKET}/pipeline/raw/a`,
    );
    const none = setup({ prefix: undefined });
    await none.storage.write('raw/a', Buffer.from('x'));
    expect(none.fake.objectNames(BUCKET)).toEqual(['raw/a']);
    expect(await none.storage.list('')).toEqual(['raw/a']);
  });

  it('refuses paths that leave the partition root', async () => {
    const { storage } = setup();
    // `.` and `..` segments are refused, not resolved: an event type named
    // `..` must not land in another type's folder.
    for (const bad of [
      '/etc/passwd',
      '../outside',
      'raw/../../outside',
      '',
      'raw/../delivered/x',
      'raw/./a',
      'raw//a',
      'raw/a\u0000b',
    ]) {
      expect(() => storage.url(bad)).toThrow(InputError);
      await expect(storage.write(bad, Buffer.from('x'))).rejects.toThrow(
        InputError,
      );
    }
    await expect(storage.list('../x')).rejects.toThrow(InputError);
  });

  it('refuses a chunk size Cloud Storage would not keep whole', () => {
    expect(() => setup({ resumableChunkBytes: 100 * KIB })).toThrow(InputError);
  });

  it('sends the access token to a custom endpoint', async () => {
    const { fake, storage } = setup({ apiEndpoint: 'http://127.0.0.1:9' });
    await storage.write(PARTITION, Buffer.from('x'));
    expect((await storage.read(PARTITION)).toString()).toBe('x');
    expect(await storage.list('')).toEqual([PARTITION]);
    await storage.delete(PARTITION);
    // The fake answers 401 to any request without the token.
    expect(fake.requests.map(r => [r.operation, r.status])).toEqual([
      ['objects.get', 404],
      ['objects.insert.multipart', 200],
      ['objects.get.media', 200],
      ['objects.list', 200],
      ['objects.get', 200],
      ['objects.delete', 204],
    ]);
  });
});

describe('GcsPartitionStorage over real HTTP', () => {
  it('round-trips through the fake served on a port and mirrors it to files', async () => {
    const mirrorDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'gcs-'));
    // No access token required: the client sends resumable uploads to a
    // custom endpoint without one.
    const fake = new FakeGcs({ buckets: [BUCKET], mirrorDirectory });
    const served = await serveHandlers(fake.handlers());
    // Let these requests through msw to the socket.
    server.use(http.all(`${served.url}/*`, () => passthrough()));
    try {
      const storage = new GcsPartitionStorage({
        bucket: createGcsBucket({
          bucket: BUCKET,
          projectId: 'test-project',
          authClient: testAuthClient(),
          apiEndpoint: served.url,
          retryOptions: FAST_RETRIES,
        }),
        prefix: PREFIX,
        resumableThresholdBytes: 512 * KIB,
        resumableChunkBytes: 256 * KIB,
      });
      const large = randomBytes(600 * KIB);
      await storage.write(PARTITION, Buffer.from('small'));
      await storage.write('raw/large.bin', large);

      expect((await storage.read(PARTITION)).toString()).toBe('small');
      expect(await storage.list('raw')).toEqual([PARTITION, 'raw/large.bin']);
      expect(
        await fs.readFile(
          path.join(mirrorDirectory, PREFIX, PARTITION),
          'utf8',
        ),
      ).toBe('small');
      expect(
        (
          await fs.readFile(path.join(mirrorDirectory, PREFIX, 'raw/large.bin'))
        ).equals(large),
      ).toBe(true);

      await storage.delete(PARTITION);
      await expect(
        fs.access(path.join(mirrorDirectory, PREFIX, PARTITION)),
      ).rejects.toThrow();
    } finally {
      await served.close();
      await fs.rm(mirrorDirectory, { recursive: true, force: true });
    }
  });
});
