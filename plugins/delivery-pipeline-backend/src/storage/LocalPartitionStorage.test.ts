import { NotFoundError } from '@backstage/errors';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeStorageConformance } from '@data-collection/plugin-delivery-pipeline-node/testUtils';
import { LocalPartitionStorage } from './LocalPartitionStorage';

describe('LocalPartitionStorage', () => {
  let directory: string;
  let storage: LocalPartitionStorage;

  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'storage-test-'));
    storage = new LocalPartitionStorage({ directory });
  });

  afterEach(async () => {
    await fs.rm(directory, { recursive: true, force: true });
  });

  describeStorageConformance(
    [['local']],
    async () => new LocalPartitionStorage({ directory }),
    { urlScheme: 'file:' },
  );

  it('writes, replaces, reads, lists and deletes objects', async () => {
    await storage.write('raw/t/2026-11-23/10/a.gz', Buffer.from('one'));
    await storage.write('raw/t/2026-11-23/10/a.gz', Buffer.from('two'));
    await storage.write('raw/t/2026-11-23/11/b.gz', Buffer.from('three'));
    await storage.write('raw/u/2026-11-23/10/c.gz', Buffer.from('four'));

    expect((await storage.read('raw/t/2026-11-23/10/a.gz')).toString()).toBe(
      'two',
    );
    expect(await storage.list('raw/t')).toEqual([
      'raw/t/2026-11-23/10/a.gz',
      'raw/t/2026-11-23/11/b.gz',
    ]);
    expect(await storage.list('raw/missing')).toEqual([]);

    await storage.delete('raw/t/2026-11-23/10/a.gz');
    await storage.delete('raw/t/2026-11-23/10/a.gz');
    expect(await storage.list('raw/t')).toEqual(['raw/t/2026-11-23/11/b.gz']);
    await expect(storage.read('raw/t/2026-11-23/10/a.gz')).rejects.toThrow(
      NotFoundError,
    );
  });

  it('leaves no temporary files behind and names objects by file URL', async () => {
    await storage.write('raw/t/x.gz', Buffer.from('x'));
    expect(await fs.readdir(path.join(directory, 'raw/t'))).toEqual(['x.gz']);
    expect(storage.url('raw/t/x.gz')).toBe(
      `file://${path.join(directory, 'raw/t/x.gz')}`,
    );
  });

  it('refuses paths that leave its folder', async () => {
    await expect(
      storage.write('../outside.gz', Buffer.from('x')),
    ).rejects.toThrow("Invalid object path '../outside.gz'");
    await expect(storage.read('/etc/passwd')).rejects.toThrow(
      "Invalid object path '/etc/passwd'",
    );
    // Inside the folder but through another type's: an event type named
    // `..` or `.` must not resolve to a sibling folder.
    for (const bad of ['raw/../delivered/x.gz', 'raw/./x.gz', 'raw//x.gz']) {
      await expect(storage.write(bad, Buffer.from('x'))).rejects.toThrow(
        `Invalid object path '${bad}'`,
      );
    }
    await expect(storage.list('raw/..')).rejects.toThrow('Invalid object path');
    expect(await storage.list('')).toEqual(expect.any(Array));
  });
});
