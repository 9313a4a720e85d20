import { mockServices } from '@backstage/backend-test-utils';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { LocalPartitionStorage } from '../storage/LocalPartitionStorage';
import {
  DeliveredManifest,
  MANIFEST_FORMAT,
} from '@data-collection/plugin-delivery-pipeline-node';
import { dedupePartition, DedupeOptions } from './dedupePartition';
import { KEYS_FORMAT } from './keysFiles';

const TYPE = 'com.example.playback.started';
const HOUR = Date.parse('2026-11-23T10:00:00.000Z');
const HOUR_MS = 3_600_000;
const RAW = `raw/${TYPE}/2026-11-23/10`;
const OUT = `delivered/${TYPE}/2026-11-23/10`;

type TestEvent = {
  id?: unknown;
  source?: unknown;
  time?: string;
  data?: unknown;
  /** Receive time, ms after HOUR. */
  received?: number;
};

/** A raw line as ingest writes it: the event's JSON with receivedAt last. */
function line(event: TestEvent): string {
  const { received = 0, ...attributes } = event;
  const json = JSON.stringify({
    specversion: '1.0',
    ...attributes,
    type: TYPE,
  });
  return `${json.slice(0, -1)},"receivedAt":"${new Date(
    HOUR + received,
  ).toISOString()}"}`;
}

function uuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `3f1c8a2e-5b7d-4c2a-9e1f-${hex}`;
}

describe('dedupePartition', () => {
  let directory: string;
  let storage: LocalPartitionStorage;

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'dedupe-test-'));
    storage = new LocalPartitionStorage({
      directory: path.join(directory, 'storage'),
    });
  });

  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  async function writeRaw(name: string, lines: string[]): Promise<string> {
    const file = `${RAW}/part-${name}.ndjson.gz`;
    await storage.write(
      file,
      zlib.gzipSync(`${lines.join('\n')}\n`, { level: 1 }),
    );
    return file;
  }

  function dedupe(options: Partial<DedupeOptions> & { rawFiles: string[] }) {
    return dedupePartition({
      storage,
      partition: { eventType: TYPE, start: HOUR, end: HOUR + HOUR_MS },
      lookbackFolders: [],
      outputFolder: OUT,
      maxMemoryBytes: 64 * 1024 * 1024,
      spillDirectory: path.join(directory, 'spill'),
      workerThreads: 0,
      ...options,
    });
  }

  async function delivered(files: Array<{ path: string }>): Promise<string[]> {
    const lines: string[] = [];
    for (const file of files) {
      const text = zlib.gunzipSync(await storage.read(file.path)).toString();
      expect(text.endsWith('\n')).toBe(true);
      lines.push(...text.slice(0, -1).split('\n'));
    }
    return lines;
  }

  /** The bytes of the key files a manifest lists, sources first. */
  async function keyFiles(): Promise<Buffer[]> {
    const { keys } = await manifestOf();
    return Promise.all(
      [keys.sources!, ...keys.files].map(file => storage.read(file.path)),
    );
  }

  async function manifestOf(folder = OUT): Promise<DeliveredManifest> {
    return JSON.parse(
      (await storage.read(`${folder}/_manifest.json`)).toString(),
    );
  }

  /** Files of many events with resends and conflicts, and what to expect. */
  async function manyEvents(options: {
    files: number;
    perFile: number;
    idOf?: (n: number) => string;
    name?: string;
  }) {
    const { files, perFile, idOf = uuid, name = 'f' } = options;
    const rawFiles: string[] = [];
    const expected: string[] = [];
    let duplicates = 0;
    let conflicts = 0;
    const seen: TestEvent[] = [];
    let n = 0;
    for (let f = 0; f < files; f++) {
      const lines: string[] = [];
      for (let i = 0; i < perFile; i++, n++) {
        let event: TestEvent;
        if (n % 10 === 7 && seen.length > 0) {
          // Every tenth event repeats an earlier one, some with new data.
          const earlier = seen[(n * 7919) % seen.length];
          if (n % 30 === 7) {
            event = { ...earlier, data: { changed: n }, received: n };
            conflicts += 1;
          } else {
            event = { ...earlier, received: n };
            duplicates += 1;
          }
        } else {
          event = {
            id: idOf(n),
            source: `//playback/pod-${n % 37}`,
            time: new Date(HOUR + n - 50).toISOString(),
            data: { track: { id: `t${n}`, source: 'album' }, n },
            received: n,
          };
          seen.push(event);
          expected.push(line(event));
        }
        lines.push(line(event));
      }
      rawFiles.push(
        await writeRaw(`${name}${String(f).padStart(4, '0')}`, lines),
      );
    }
    return { rawFiles, expected, duplicates, conflicts, received: n };
  }

  it('keeps the first event of each (source, id), lines unchanged and in raw order', async () => {
    const a1 = line({ id: 'a', source: '//s1', data: { v: 1 }, received: 1 });
    const b1 = line({ id: 'b', source: '//s1', data: { v: 1 }, received: 2 });
    const a2 = line({ id: 'a', source: '//s2', data: { v: 1 }, received: 3 });
    const a1again = line({
      id: 'a',
      source: '//s1',
      data: { v: 1 },
      received: 9,
    });
    const b1other = line({
      id: 'b',
      source: '//s1',
      data: { v: 2 },
      received: 9,
    });
    const rawFiles = [
      await writeRaw('1', [a1, b1]),
      await writeRaw('2', [a1again, a2, b1other]),
    ];

    const result = await dedupe({ rawFiles });

    expect(result).toMatchObject({
      received: 5,
      delivered: 3,
      duplicates: 1,
      conflicts: 1,
      malformed: 0,
      spilled: false,
    });
    expect(await delivered(result.partition.files)).toEqual([a1, b1, a2]);
    expect(result.partition).toMatchObject({
      eventType: TYPE,
      start: HOUR,
      end: HOUR + HOUR_MS,
      folder: OUT,
      manifestPath: `${OUT}/_manifest.json`,
      events: 3,
    });
    expect(result.partition.files).toEqual([
      {
        path: `${OUT}/part-00000.ndjson.gz`,
        events: 3,
        bytes: expect.any(Number),
        sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      },
    ]);
  });

  it('compares ids and sources exactly, whatever their form', async () => {
    const lines = [
      line({ id: 'A', source: '//s' }),
      // The same key, escaped differently in JSON.
      '{"specversion":"1.0","id":"\\u0041","source":"\\/\\/s","receivedAt":"2026-11-23T10:00:00.000Z"}',
      line({ id: 'a', source: '//s' }),
      line({ id: uuid(1).toUpperCase(), source: '//s' }),
      line({ id: uuid(1), source: '//s' }),
      line({ id: uuid(1), source: '//s ' }),
      line({ id: uuid(1), source: '//s' }),
      // Same text, but source and id swapped: another key.
      line({ id: '//s', source: 'A' }),
    ];
    const result = await dedupe({ rawFiles: [await writeRaw('1', lines)] });
    expect(result.delivered).toBe(6);
    expect(await delivered(result.partition.files)).toEqual([
      lines[0],
      lines[2],
      lines[3],
      lines[4],
      lines[5],
      lines[7],
    ]);
  });

  it('tells resends from conflicts, ignoring receivedAt', async () => {
    const first = { id: 'x', source: '//s', data: { a: 1 }, received: 0 };
    const result = await dedupe({
      rawFiles: [
        await writeRaw('1', [
          line(first),
          line({ ...first, received: 5000 }),
          line({ ...first, received: 9000 }),
          line({ ...first, data: { a: 2 }, received: 9000 }),
          line({ ...first, time: '2026-11-23T09:59:00Z', received: 9000 }),
        ]),
      ],
    });
    expect(result).toMatchObject({
      received: 5,
      delivered: 1,
      duplicates: 2,
      conflicts: 2,
    });
  });

  it('reads top-level members only, however the event nests', async () => {
    const lines = [
      '{"data":{"id":"inner","source":"inner","x":[{"id":1},"]}{"]},"id":"k1","specversion":"1.0","source":"//s","receivedAt":"2026-11-23T10:00:00.000Z"}',
      '{"data":{"id":"k1","source":"//s"},"id":"k2","source":"//s","specversion":"1.0","receivedAt":"2026-11-23T10:00:00.000Z"}',
      '{ "specversion" : "1.0" , "source" : "//s" , "id" : "k1" , "data" : "\\"id\\":\\"k9\\"" ,"receivedAt":"2026-11-23T10:00:00.000Z"}',
    ];
    const result = await dedupe({ rawFiles: [await writeRaw('1', lines)] });
    expect(result).toMatchObject({ delivered: 2, conflicts: 1 });
    expect(await delivered(result.partition.files)).toEqual(lines.slice(0, 2));
  });

  it('delivers lines without a readable key as they are, counts and logs them', async () => {
    const logger = mockServices.logger.mock();
    const good = line({ id: 'a', source: '//s' });
    const lines = [
      good,
      'not json at all',
      '{"specversion":"1.0","source":"//s","receivedAt":"2026-11-23T10:00:00.000Z"}',
      '{"specversion":"1.0","id":7,"source":"//s"}',
      '{"id":"a","source":"//s"',
      '[1,2,3]',
      good,
    ];
    const raw = await writeRaw('1', lines);
    // A blank line is not an event and is not delivered.
    await storage.write(
      raw,
      zlib.gzipSync(
        `${lines.slice(0, 3).join('\n')}\n\n${lines.slice(3).join('\n')}`,
      ),
    );

    const result = await dedupe({ rawFiles: [raw], logger });

    expect(result).toMatchObject({
      received: 7,
      delivered: 6,
      duplicates: 1,
      malformed: 5,
    });
    expect(await delivered(result.partition.files)).toEqual(lines.slice(0, 6));
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Delivered 5 lines'),
    );
  });

  it('measures client delay over delivered events with a parseable time', async () => {
    const result = await dedupe({
      rawFiles: [
        await writeRaw('1', [
          line({
            id: '1',
            source: '//s',
            time: '2026-11-23T10:00:00.000Z',
            received: 100,
          }),
          line({
            id: '2',
            source: '//s',
            time: '2026-11-23T10:00:00Z',
            received: 200,
          }),
          line({
            id: '3',
            source: '//s',
            time: '2026-11-23T11:00:00.100+01:00',
            received: 400,
          }),
          line({
            id: '4',
            source: '//s',
            time: '2026-11-23T10:00:01.000Z',
            received: 0,
          }),
          line({ id: '5', source: '//s', time: 'yesterday', received: 50_000 }),
          line({ id: '6', source: '//s', received: 60_000 }),
          // A resend is not delivered: its delay does not count.
          line({
            id: '1',
            source: '//s',
            time: '2026-11-23T10:00:00.000Z',
            received: 90_000,
          }),
        ]),
      ],
    });
    // Delays 100, 200, 300 and -1000 (a clock ahead: 0).
    expect(result.clientDelayMs).toEqual({ p50: 100, p95: 300, max: 300 });
    expect((await manifestOf()).clientDelayMs).toEqual(result.clientDelayMs);
  });

  it('omits client delay when no event has a time', async () => {
    const result = await dedupe({
      rawFiles: [await writeRaw('1', [line({ id: '1', source: '//s' })])],
    });
    expect(result.clientDelayMs).toBeUndefined();
  });

  it('writes a manifest last, with counts, files, checksum and key files', async () => {
    const data = await manyEvents({ files: 3, perFile: 200 });
    const result = await dedupe({ rawFiles: data.rawFiles });

    const manifest = await manifestOf();
    expect(manifest).toEqual({
      format: MANIFEST_FORMAT,
      eventType: TYPE,
      start: '2026-11-23T10:00:00.000Z',
      end: '2026-11-23T11:00:00.000Z',
      key: ['source', 'id'],
      counts: {
        received: data.received,
        delivered: data.expected.length,
        duplicates: data.duplicates,
        conflicts: data.conflicts,
        malformed: 0,
      },
      clientDelayMs: { p50: 50, p95: 50, max: 50 },
      files: result.partition.files,
      checksum: result.partition.checksum,
      keys: {
        format: KEYS_FORMAT,
        sources: {
          path: `${OUT}/_keys-sources.bin`,
          count: 37,
          bytes: expect.any(Number),
          sha256: expect.stringMatching(/^sha256:/),
        },
        files: [
          {
            path: `${OUT}/_keys-00000.bin`,
            count: data.expected.length,
            bytes: expect.any(Number),
            sha256: expect.stringMatching(/^sha256:/),
          },
        ],
      },
    });
    const stored = await storage.read(result.partition.files[0].path);
    expect(result.partition.files[0].sha256).toBe(
      `sha256:${createHash('sha256').update(stored).digest('hex')}`,
    );
    expect(result.partition.checksum).toBe(
      `sha256:${createHash('sha256')
        .update(result.partition.files.map(f => `${f.sha256}\n`).join(''))
        .digest('hex')}`,
    );
    expect(await delivered(result.partition.files)).toEqual(data.expected);
  });

  it('is deterministic: the same input gives the same bytes, with or without workers', async () => {
    const data = await manyEvents({ files: 6, perFile: 300 });
    const options = {
      rawFiles: data.rawFiles,
      maxFileBytes: 200_000,
      // Files keep ~70 kB each: gathered two by two.
      tuning: { smallFileBytes: 100_000, gatherBytes: 120_000 },
    };
    const first = await dedupe(options);
    const bytes = await Promise.all(
      first.partition.files.map(f => storage.read(f.path)),
    );
    const keys = await keyFiles();
    const second = await dedupe({ ...options, workerThreads: 2 });

    expect(await keyFiles()).toEqual(keys);

    expect(first.partition.files.length).toBeGreaterThanOrEqual(2);
    expect(second.partition).toEqual(first.partition);
    for (const [i, file] of second.partition.files.entries()) {
      expect((await storage.read(file.path)).equals(bytes[i])).toBe(true);
    }
    expect(await delivered(second.partition.files)).toEqual(data.expected);
  }, 30_000);

  it('writes files any gzip reader reads, one member each, with the stated events', async () => {
    const data = await manyEvents({ files: 4, perFile: 500 });
    const result = await dedupe({
      rawFiles: data.rawFiles,
      // Two or three chunks (files) per delivered file.
      maxFileBytes: 300_000,
      tuning: { smallFileBytes: 1, gatherBytes: 1 },
    });
    for (const file of result.partition.files) {
      const stored = await storage.read(file.path);
      expect(stored.length).toBe(file.bytes);
      expect(stored.subarray(0, 4)).toEqual(
        Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
      );
      // One member: its trailer's length is that of all the text.
      const text = zlib.gunzipSync(stored);
      expect(stored.readUInt32LE(stored.length - 4)).toBe(text.length);
      expect(stored.readUInt32LE(stored.length - 8)).toBe(zlib.crc32(text));
      expect(text.toString().split('\n').length - 1).toBe(file.events);
    }
  });

  it('removes files of an earlier attempt that the new manifest does not list', async () => {
    const data = await manyEvents({ files: 4, perFile: 300 });
    const small = await dedupe({
      rawFiles: data.rawFiles,
      maxFileBytes: 30_000,
      tuning: { keysFileBytes: 2_000, smallFileBytes: 1 },
    });
    expect(small.partition.files.length).toBeGreaterThan(2);
    // A leftover of a crashed attempt.
    await storage.write(`${OUT}/part-00099.ndjson.gz`, Buffer.from('x'));
    await storage.write(`${OUT}/unrelated.txt`, Buffer.from('x'));

    const big = await dedupe({ rawFiles: data.rawFiles });

    expect(big.partition.files).toHaveLength(1);
    expect(await storage.list(OUT)).toEqual(
      [
        `${OUT}/_keys-00000.bin`,
        `${OUT}/_keys-sources.bin`,
        `${OUT}/_manifest.json`,
        `${OUT}/part-00000.ndjson.gz`,
        `${OUT}/unrelated.txt`,
      ].sort(),
    );
    expect((await manifestOf()).files).toEqual(big.partition.files);
  });

  it('drops events whose key an earlier partition in the lookback delivered', async () => {
    const earlierFolder = `delivered/${TYPE}/2026-11-23/09`;
    const shared = { id: uuid(1), source: '//s', data: { v: 1 } };
    const sharedOther = { id: 'not-a-uuid', source: '//t', data: { v: 1 } };
    const onlyEarlier = { id: uuid(2), source: '//s' };
    await dedupe({
      rawFiles: [
        await writeRaw('earlier', [
          line(shared),
          line(sharedOther),
          line(onlyEarlier),
        ]),
      ],
      outputFolder: earlierFolder,
      partition: { eventType: TYPE, start: HOUR - HOUR_MS, end: HOUR },
    });
    const fresh = line({ id: uuid(3), source: '//s' });
    const rawFiles = [
      await writeRaw('later', [
        line({ ...shared, received: 10 }),
        line({ ...sharedOther, data: { v: 2 } }),
        fresh,
        line({ ...onlyEarlier, source: '//other' }),
      ]),
    ];

    const result = await dedupe({
      rawFiles,
      lookbackFolders: [earlierFolder, `delivered/${TYPE}/2026-11-23/08`],
    });

    expect(result).toMatchObject({
      received: 4,
      delivered: 2,
      duplicates: 1,
      conflicts: 1,
    });
    expect(await delivered(result.partition.files)).toEqual([
      fresh,
      line({ ...onlyEarlier, source: '//other' }),
    ]);
    // Its own key file holds its own keys only.
    expect((await manifestOf()).keys.files[0].count).toBe(2);
  });

  it('spills to disk when keys exceed the bound, with the same result', async () => {
    const data = await manyEvents({ files: 12, perFile: 400 });
    const earlierFolder = `delivered/${TYPE}/2026-11-23/09`;
    const earlier = await manyEvents({
      files: 1,
      perFile: 300,
      idOf: n => uuid(n + 100_000),
      name: 'earlier',
    });
    await dedupe({
      rawFiles: earlier.rawFiles,
      outputFolder: earlierFolder,
      partition: { eventType: TYPE, start: HOUR - HOUR_MS, end: HOUR },
    });
    // Events of the earlier partition come back in this one.
    const again = await writeRaw('again', earlier.expected.slice(0, 50));
    const rawFiles = [...data.rawFiles, again];
    const options = {
      rawFiles,
      lookbackFolders: [earlierFolder],
      maxFileBytes: 200_000,
    };

    const inMemory = await dedupe(options);
    expect(inMemory.spilled).toBe(false);
    const expectedFiles = await Promise.all(
      inMemory.partition.files.map(f => storage.read(f.path)),
    );
    const expectedKeys = await keyFiles();

    for (const [maxMemoryBytes, tuning, sameKeyFiles] of [
      // Spills after 11 of the 13 raw files.
      [200_000, {}, true],
      // Spills while loading the lookback, everything; buckets are split
      // further when read back, and then list their keys part by part.
      [1, { minSplitRecords: 10 }, false],
      [1, { workerThreads: 2 }, true],
    ] as const) {
      const spilled = await dedupe({
        ...options,
        maxMemoryBytes,
        ...('workerThreads' in tuning ? tuning : { tuning }),
      });
      expect(spilled.spilled).toBe(true);
      expect({ ...spilled, spilled: false }).toEqual(inMemory);
      for (const [i, file] of spilled.partition.files.entries()) {
        expect((await storage.read(file.path)).equals(expectedFiles[i])).toBe(
          true,
        );
      }
      // The key files too: in bucket order, whether spilled or not (a
      // bucket split further lists its keys part by part).
      const sameKeys = (await keyFiles()).every((b, i) =>
        b.equals(expectedKeys[i]),
      );
      expect(sameKeys || !sameKeyFiles).toBe(true);
      const manifest = await manifestOf();
      expect(manifest.keys.files.reduce((n, f) => n + f.count, 0)).toBe(
        inMemory.delivered,
      );
      // The spill files are gone.
      expect(await fs.readdir(path.join(directory, 'spill'))).toEqual([]);
    }
    expect(inMemory).toMatchObject({
      received: data.received + 50,
      delivered: data.expected.length,
      duplicates: data.duplicates + 50,
      conflicts: data.conflicts,
    });
  }, 60_000);

  it('fails when a raw file is missing, leaving no spill files and no manifest', async () => {
    const data = await manyEvents({ files: 3, perFile: 100 });
    await expect(
      dedupe({
        rawFiles: [...data.rawFiles, `${RAW}/part-missing.ndjson.gz`],
        maxMemoryBytes: 1,
      }),
    ).rejects.toThrow(/part-missing/);
    expect(await fs.readdir(path.join(directory, 'spill'))).toEqual([]);
    await expect(storage.read(`${OUT}/_manifest.json`)).rejects.toThrow();
  });

  it('fails on a raw file that is not gzip, in a worker too', async () => {
    const good = await writeRaw('good', [line({ id: 'a', source: '//s' })]);
    const bad = `${RAW}/part-bad.ndjson.gz`;
    await storage.write(bad, Buffer.from('not gzip at all'));
    for (const workerThreads of [0, 2]) {
      await expect(
        dedupe({ rawFiles: [good, bad], workerThreads }),
      ).rejects.toThrow(/header/);
    }
  }, 30_000);

  it('delivers an empty partition', async () => {
    const result = await dedupe({ rawFiles: [] });
    expect(result).toMatchObject({ received: 0, delivered: 0 });
    expect(result.partition.files).toEqual([]);
    expect((await manifestOf()).keys.files).toEqual([]);
    // Nothing but the manifest: a quiet type costs no other file.
    expect((await manifestOf()).keys.sources).toBeUndefined();
    expect(await storage.list(`${OUT}/`)).toEqual([`${OUT}/_manifest.json`]);
  });

  it('looks back past a partition delivered empty', async () => {
    await dedupe({ rawFiles: [] });
    const raw = await writeRaw('next', [line({ id: 'a', source: '//s' })]);
    const next = await dedupe({
      rawFiles: [raw],
      lookbackFolders: [OUT],
      outputFolder: `${OUT}-next`,
    });
    expect(next).toMatchObject({ received: 1, delivered: 1, duplicates: 0 });
  });
});
