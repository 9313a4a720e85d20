/* eslint-disable jest/no-export */
// Registers jest tests with jest's globals at call time; see
// transportConformance.ts.
import { InputError, NotFoundError } from '@backstage/errors';
import { partitionFolder } from '@data-collection/plugin-delivery-pipeline-common';
import { MANIFEST_NAME } from '../manifest';
import { PartitionStorage } from '../storage';

/**
 * What a storage's test states about it where storages legitimately
 * differ.
 *
 * @public
 */
export type StorageConformanceOptions = {
  /**
   * The scheme of `url()`, such as `file:` or `gs:`. Default: any scheme.
   */
  urlScheme?: string;
  /**
   * Size of the large object written and read back whole, in bytes;
   * default 3 MiB, above the size at which object stores switch to
   * resumable (chunked) uploads.
   */
  largeObjectBytes?: number;
};

const hour = Date.UTC(2026, 10, 23, 10);
const raw = partitionFolder({
  kind: 'raw',
  eventType: 'com.example.playback.started',
  start: hour,
  widthMs: 3_600_000,
});
const delivered = partitionFolder({
  kind: 'delivered',
  eventType: 'com.example.playback.started',
  start: hour,
  widthMs: 3_600_000,
});

/**
 * What every `PartitionStorage` promises, registered as one `it.each` per
 * behaviour over `variants`. `createStorage` returns a storage on fresh,
 * empty space for one test. Call it inside a `describe` of the storage's
 * test file.
 *
 * @public
 */
export function describeStorageConformance<Variant extends string>(
  variants: Array<[Variant]>,
  createStorage: (variant: Variant) => Promise<PartitionStorage>,
  options: StorageConformanceOptions = {},
): void {
  const largeObjectBytes = options.largeObjectBytes ?? 3 * 1024 * 1024;

  it.each(variants)(
    'reads back every byte it wrote, of any size, %p',
    async variant => {
      const storage = await createStorage(variant);
      const binary = Buffer.from(
        Array.from({ length: 256 }, (_, i) => (i * 7) % 256),
      );
      const large = Buffer.alloc(largeObjectBytes);
      for (let i = 0; i < large.length; i++) {
        large[i] = (i * 31 + (i >> 11)) & 0xff;
      }
      const objects: Array<[string, Buffer]> = [
        [`${raw}/part-0.ndjson.gz`, binary],
        [`${raw}/part-empty.ndjson.gz`, Buffer.alloc(0)],
        [`${delivered}/part-00000.ndjson.gz`, large],
        [`${delivered}/${MANIFEST_NAME}`, Buffer.from('{"a":"Grüße 🎵"}\n')],
      ];
      await Promise.all(
        objects.map(([p, content]) => storage.write(p, content)),
      );
      for (const [p, content] of objects) {
        const read = await storage.read(p);
        expect(read.length).toBe(content.length);
        expect(read.equals(content)).toBe(true);
      }
    },
  );

  it.each(variants)(
    'replaces an object written again, whole, %p',
    async variant => {
      const storage = await createStorage(variant);
      const p = `${delivered}/${MANIFEST_NAME}`;
      await storage.write(p, Buffer.from('first, and longer than the second'));
      await storage.write(p, Buffer.from('second'));
      expect((await storage.read(p)).toString()).toBe('second');

      // Concurrent writes of one path: one of them wins, not a mixture.
      const contents = ['a', 'b', 'c'].map(c => Buffer.alloc(64 * 1024, c));
      await Promise.all(contents.map(content => storage.write(p, content)));
      const read = await storage.read(p);
      expect(contents.some(content => content.equals(read))).toBe(true);
      expect(await storage.list(delivered)).toEqual([p]);
    },
  );

  it.each(variants)(
    'rejects reading a missing object with a NotFoundError, %p',
    async variant => {
      const storage = await createStorage(variant);
      await expect(storage.read(`${raw}/part-0.ndjson.gz`)).rejects.toThrow(
        NotFoundError,
      );
      await storage.write(`${raw}/part-0.ndjson.gz`, Buffer.from('x'));
      await storage.delete(`${raw}/part-0.ndjson.gz`);
      await expect(storage.read(`${raw}/part-0.ndjson.gz`)).rejects.toThrow(
        NotFoundError,
      );
    },
  );

  it.each(variants)(
    'lists the objects under a folder, sorted, and nothing beside it, %p',
    async variant => {
      const storage = await createStorage(variant);
      const inside = [
        `${raw}/part-b.ndjson.gz`,
        `${raw}/part-a.ndjson.gz`,
        `${raw}/15-00/part-c.ndjson.gz`,
      ];
      const beside = [
        // A sibling whose name starts with the folder's.
        `${raw}0/part-d.ndjson.gz`,
        `${raw.replace(/\/10$/, '/11')}/part-e.ndjson.gz`,
        `${delivered}/part-00000.ndjson.gz`,
      ];
      for (const p of [...inside, ...beside]) {
        await storage.write(p, Buffer.from(p));
      }
      const sorted = [...inside].sort();
      expect(await storage.list(raw)).toEqual(sorted);
      expect(await storage.list(`${raw}/`)).toEqual(sorted);
      expect(await storage.list(`${raw}/15-00`)).toEqual([
        `${raw}/15-00/part-c.ndjson.gz`,
      ]);
      expect(await storage.list('raw/com.example.none')).toEqual([]);
      expect(await storage.list('')).toEqual([...inside, ...beside].sort());
    },
  );

  it.each(variants)(
    'deletes objects, and a missing one without an error, %p',
    async variant => {
      const storage = await createStorage(variant);
      const keep = `${delivered}/part-00001.ndjson.gz`;
      const gone = `${delivered}/part-00000.ndjson.gz`;
      await storage.write(keep, Buffer.from('keep'));
      await storage.write(gone, Buffer.from('gone'));
      await storage.delete(gone);
      await storage.delete(gone);
      await storage.delete(`${delivered}/never-written.ndjson.gz`);
      expect(await storage.list(delivered)).toEqual([keep]);
      expect((await storage.read(keep)).toString()).toBe('keep');
    },
  );

  it.each(variants)(
    'names every object by a URL of its own, %p',
    async variant => {
      const storage = await createStorage(variant);
      const a = storage.url(`${raw}/part-a.ndjson.gz`);
      const b = storage.url(`${delivered}/part-a.ndjson.gz`);
      for (const url of [a, b]) {
        const parsed = new URL(url);
        expect(parsed.protocol).toBe(options.urlScheme ?? parsed.protocol);
        expect(decodeURIComponent(url)).toContain('part-a.ndjson.gz');
      }
      expect(a).not.toBe(b);
    },
  );

  it.each(variants)(
    'refuses paths that would name another folder, %p',
    async variant => {
      const storage = await createStorage(variant);
      const invalid = [
        '../outside.ndjson.gz',
        'raw/../../outside.ndjson.gz',
        'raw/./a.ndjson.gz',
        'raw//a.ndjson.gz',
        '/absolute.ndjson.gz',
        'raw/a\nb.ndjson.gz',
        'raw/a\u0000b.ndjson.gz',
        '',
      ];
      for (const p of invalid) {
        await expect(storage.write(p, Buffer.from('x'))).rejects.toThrow(
          InputError,
        );
        await expect(storage.read(p)).rejects.toThrow(InputError);
        await expect(storage.delete(p)).rejects.toThrow(InputError);
      }
      await expect(storage.list('raw/../..')).rejects.toThrow(InputError);
      expect(await storage.list('')).toEqual([]);
    },
  );

  it.each(variants)(
    'takes many concurrent writes, each listed and readable after, %p',
    async variant => {
      const storage = await createStorage(variant);
      const paths = Array.from(
        { length: 60 },
        (_, i) =>
          `${i % 2 ? raw : delivered}/part-${String(i).padStart(
            5,
            '0',
          )}.ndjson.gz`,
      );
      await Promise.all(paths.map(p => storage.write(p, Buffer.from(p))));
      expect(await storage.list('')).toEqual([...paths].sort());
      for (const p of paths) {
        expect((await storage.read(p)).toString()).toBe(p);
      }
    },
  );
}
