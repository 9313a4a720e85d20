import { NotFoundError } from '@backstage/errors';
import {
  DeliveredManifest,
  MANIFEST_FORMAT,
  manifestPathOf,
  readDeliveredPartition,
  readManifest,
  validateManifest,
  writeManifest,
} from './manifest';
import { PartitionStorage } from './storage';

function memoryStorage(): PartitionStorage & { objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  return {
    objects,
    async write(path, content) {
      objects.set(path, content);
    },
    async read(path) {
      const content = objects.get(path);
      if (!content) throw new NotFoundError(`No object at ${path}`);
      return content;
    },
    async list(prefix) {
      return [...objects.keys()].filter(p => p.startsWith(prefix)).sort();
    },
    async delete(path) {
      objects.delete(path);
    },
    url: path => `memory:///${path}`,
  };
}

const folder = 'delivered/com.example.a/2026-11-23/10';
const manifest: DeliveredManifest = {
  format: MANIFEST_FORMAT,
  eventType: 'com.example.a',
  start: '2026-11-23T10:00:00.000Z',
  end: '2026-11-23T11:00:00.000Z',
  key: ['source', 'id'],
  counts: {
    received: 3,
    delivered: 2,
    duplicates: 1,
    conflicts: 0,
    malformed: 0,
  },
  files: [
    {
      path: `${folder}/part-00000.ndjson.gz`,
      events: 2,
      bytes: 40,
      sha256: 'sha256:aa',
    },
  ],
  checksum: 'sha256:bb',
  keys: {
    format: 'delivery-pipeline-dedupe-keys/2',
    sources: {
      path: `${folder}/_keys-sources.bin`,
      count: 1,
      bytes: 9,
      sha256: 'sha256:cc',
    },
    files: [],
  },
};

describe('the delivered manifest', () => {
  it("is written as the folder's _manifest.json and read back", async () => {
    const storage = memoryStorage();
    expect(await writeManifest(storage, `${folder}/`, manifest)).toBe(
      `${folder}/_manifest.json`,
    );
    expect(manifestPathOf(folder)).toBe(`${folder}/_manifest.json`);
    expect(await readManifest(storage, folder)).toEqual(manifest);
    expect(
      JSON.parse(storage.objects.get(`${folder}/_manifest.json`)!.toString()),
    ).toEqual(manifest);
  });

  it('reads as the delivered partition it describes', async () => {
    const storage = memoryStorage();
    await writeManifest(storage, folder, manifest);
    await expect(readDeliveredPartition(storage, folder)).resolves.toEqual({
      eventType: 'com.example.a',
      start: Date.UTC(2026, 10, 23, 10),
      end: Date.UTC(2026, 10, 23, 11),
      folder,
      files: manifest.files,
      manifestPath: `${folder}/_manifest.json`,
      events: 2,
      checksum: 'sha256:bb',
    });
  });

  it('is missing, not broken, where nothing was delivered', async () => {
    const storage = memoryStorage();
    await expect(readManifest(storage, folder)).resolves.toBeUndefined();
    await expect(readDeliveredPartition(storage, folder)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('refuses a manifest of another format or without what readers need', async () => {
    expect(() => validateManifest([])).toThrow('it is not a JSON object');
    expect(() =>
      validateManifest({
        ...manifest,
        format: 'delivery-pipeline-delivered/2',
      }),
    ).toThrow('its format is "delivery-pipeline-delivered/2"');
    expect(() =>
      validateManifest({
        ...manifest,
        start: 'yesterday',
        counts: { delivered: 2 },
        files: [{ path: 'x' }],
        checksum: 'bb',
      }),
    ).toThrow(
      /its start is not an ISO 8601 time; counts.received is not a count;.*files is not a list.*its checksum is not sha256/,
    );

    const storage = memoryStorage();
    await storage.write(
      manifestPathOf(folder),
      Buffer.from(JSON.stringify({ ...manifest, eventType: '' })),
    );
    await expect(readManifest(storage, folder)).rejects.toThrow(
      `${folder}/_manifest.json is not a delivered partition's manifest: it names no eventType`,
    );
    await expect(
      writeManifest(storage, folder, { ...manifest, checksum: 'md5:x' }),
    ).rejects.toThrow('its checksum is not sha256:...');
  });
});
