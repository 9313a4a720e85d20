import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError, NotModifiedError } from '@backstage/errors';
import {
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { LocalDirectoryUrlReader } from './localDirectoryReader';

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'local-reader-'));
  const allowed = join(root, 'event-types');
  mkdirSync(join(allowed, 'schemas'), { recursive: true });
  writeFileSync(join(allowed, 'a.yaml'), 'name: a');
  writeFileSync(join(allowed, 'schemas', 'a.json'), '{}');
  writeFileSync(join(root, 'secret.txt'), 'not for the reader');
  const reader = UrlReaders.create({
    config: mockServices.rootConfig({
      data: { eventSchemas: { sync: { localDirectories: [allowed] } } },
    }),
    logger: mockServices.logger.mock(),
    factories: [LocalDirectoryUrlReader.factory],
  });
  return { root, allowed, reader, url: pathToFileURL(allowed).href };
}

describe('LocalDirectoryUrlReader', () => {
  it('reads a listed directory as a tree, with an etag', async () => {
    const { allowed, reader, url } = setup();
    const tree = await reader.readTree(url);
    const files = await tree.files();
    const texts = Object.fromEntries(
      await Promise.all(
        files.map(async f => [f.path, (await f.content()).toString()]),
      ),
    );
    expect(texts).toEqual({ 'a.yaml': 'name: a', 'schemas/a.json': '{}' });
    expect(tree.etag).toMatch(/^[0-9a-f]{64}$/);

    await expect(reader.readTree(url, { etag: tree.etag })).rejects.toThrow(
      NotModifiedError,
    );
    writeFileSync(join(allowed, 'a.yaml'), 'name: b');
    utimesSync(
      join(allowed, 'a.yaml'),
      new Date(),
      new Date(Date.now() + 5000),
    );
    const changed = await reader.readTree(url, { etag: tree.etag });
    expect(changed.etag).not.toBe(tree.etag);
  });

  it('reads nothing outside the listed directories, links included', async () => {
    const { root, allowed, reader } = setup();
    await expect(
      reader.readUrl(pathToFileURL(join(root, 'secret.txt')).href),
    ).rejects.toThrow();
    symlinkSync(join(root, 'secret.txt'), join(allowed, 'link.txt'));
    await expect(
      reader.readUrl(pathToFileURL(join(allowed, 'link.txt')).href),
    ).rejects.toThrow(NotAllowedError);
    // A link in a tree is skipped, not followed.
    const tree = await reader.readTree(pathToFileURL(allowed).href);
    expect((await tree.files()).map(f => f.path).sort()).toEqual([
      'a.yaml',
      'schemas/a.json',
    ]);
  });

  it('is bounded in files', async () => {
    const { allowed, reader, url } = setup();
    for (let i = 0; i < 1001; i++)
      writeFileSync(join(allowed, `f${i}.yaml`), '');
    await expect(reader.readTree(url)).rejects.toThrow(/more than 1000 files/);
  });
});
