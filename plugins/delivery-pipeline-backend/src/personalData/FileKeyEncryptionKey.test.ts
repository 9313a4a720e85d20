import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileKeyEncryptionKey } from './FileKeyEncryptionKey';

describe('FileKeyEncryptionKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kek-test-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('generates a key file readable by its owner only, and never overwrites one', async () => {
    const file = path.join(dir, 'nested', 'kek.json');
    const kek = new FileKeyEncryptionKey({ file });
    expect(await kek.exists()).toBe(false);
    await kek.generate();
    expect(await kek.exists()).toBe(true);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const content = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(content.keys).toHaveLength(1);
    expect(content.primary).toBe(content.keys[0].id);
    expect(Buffer.from(content.keys[0].key, 'base64')).toHaveLength(32);
    await expect(kek.generate()).rejects.toThrow(/EEXIST/);
  });

  it('wraps with the primary key and unwraps with the key named, after a rotation too', async () => {
    const file = path.join(dir, 'kek.json');
    const kek = new FileKeyEncryptionKey({ file });
    await kek.generate();
    const secret = randomBytes(32);
    const before = await kek.wrap(secret);
    expect(before.keyId).toBe(await kek.primaryKeyId());
    expect(before.wrapped.includes(secret)).toBe(false);

    // Rotation as the README says: a new key, made primary.
    const content = JSON.parse(await fs.readFile(file, 'utf8'));
    content.keys.push({ id: 'kek-2', key: randomBytes(32).toString('base64') });
    content.primary = 'kek-2';
    await fs.writeFile(file, JSON.stringify(content));
    expect(await kek.primaryKeyId()).toBe('kek-2');
    const after = await kek.wrap(secret);
    expect(after.keyId).toBe('kek-2');
    expect(await kek.unwrap(before)).toEqual(secret);
    expect(await kek.unwrap(after)).toEqual(secret);
  });

  it('refuses a changed wrapped secret, a missing key and a broken file, saying what to do', async () => {
    const file = path.join(dir, 'kek.json');
    const kek = new FileKeyEncryptionKey({ file });
    await expect(kek.primaryKeyId()).rejects.toThrow(
      /Cannot read the key-encryption key file .*keyEncryptionKeyFile/,
    );
    await kek.generate();
    const wrapped = await kek.wrap(randomBytes(32));
    const changed = Buffer.from(wrapped.wrapped);
    changed[20] ^= 1;
    await expect(
      kek.unwrap({ keyId: wrapped.keyId, wrapped: changed }),
    ).rejects.toThrow(/does not open/);
    await expect(
      kek.unwrap({ keyId: 'retired', wrapped: wrapped.wrapped }),
    ).rejects.toThrow(/has no key 'retired'.*restore it/);

    await fs.writeFile(file, '{"primary": "a", "keys": []}');
    await expect(kek.primaryKeyId()).rejects.toThrow(/must name its "primary"/);
    await fs.writeFile(file, 'not json');
    await expect(kek.primaryKeyId()).rejects.toThrow(/is not JSON/);
    await fs.writeFile(
      file,
      '{"primary": "a", "keys": [{"id": "a", "key": "c2hvcnQ="}]}',
    );
    await expect(kek.wrap(randomBytes(32))).rejects.toThrow(
      /must be 32 bytes .*openssl rand -base64 32/,
    );
  });
});
