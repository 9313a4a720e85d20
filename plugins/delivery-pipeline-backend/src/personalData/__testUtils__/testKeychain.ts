import { mockServices } from '@backstage/backend-test-utils';
import {
  KeyEncryptionKey,
  WrappedSecret,
} from '@data-collection/plugin-delivery-pipeline-node';
import knexFactory, { Knex } from 'knex';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DatabaseKeychainStore } from '../../database/DatabaseKeychainStore';
import { migrateDatabase } from '../../database/migrateDatabase';
import { Keychain } from '../Keychain';

/**
 * A key-encryption key held in memory, with versions as a KMS has them:
 * `rotate()` adds one and makes it primary.
 */
export class MemoryKeyEncryptionKey implements KeyEncryptionKey {
  readonly versions = new Map<string, Buffer>([['v1', randomBytes(32)]]);
  primary = 'v1';
  calls = { wrap: 0, unwrap: 0 };

  rotate(): string {
    this.primary = `v${this.versions.size + 1}`;
    this.versions.set(this.primary, randomBytes(32));
    return this.primary;
  }

  async primaryKeyId(): Promise<string> {
    return this.primary;
  }

  async wrap(secret: Buffer): Promise<WrappedSecret> {
    this.calls.wrap += 1;
    const nonce = randomBytes(12);
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.versions.get(this.primary)!,
      nonce,
    );
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    return {
      keyId: this.primary,
      wrapped: Buffer.concat([nonce, body, cipher.getAuthTag()]),
    };
  }

  async unwrap({ keyId, wrapped }: WrappedSecret): Promise<Buffer> {
    this.calls.unwrap += 1;
    const key = this.versions.get(keyId);
    if (!key) throw new Error(`No key version ${keyId}`);
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key,
      wrapped.subarray(0, 12),
    );
    decipher.setAuthTag(wrapped.subarray(-16));
    return Buffer.concat([
      decipher.update(wrapped.subarray(12, -16)),
      decipher.final(),
    ]);
  }
}

const openDatabases: Knex[] = [];

/**
 * A migrated in-memory SQLite database of the plugin; close them all with
 * {@link closeMemoryDatabases} after each test.
 */
export async function memoryDatabase(): Promise<Knex> {
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  openDatabases.push(db);
  await migrateDatabase({ getClient: async () => db });
  return db;
}

export async function closeMemoryDatabases(): Promise<void> {
  await Promise.all(openDatabases.splice(0).map(db => db.destroy()));
}

/** A keychain on a database (a new in-memory one by default). */
export async function testKeychain(
  options: {
    db?: Knex;
    kek?: MemoryKeyEncryptionKey;
    cacheTtlMs?: number;
    cacheSize?: number;
    suppressedSubjects?: string[];
    now?: () => number;
  } = {},
) {
  const db = options.db ?? (await memoryDatabase());
  const kek = options.kek ?? new MemoryKeyEncryptionKey();
  const store = new DatabaseKeychainStore(db);
  const keychain = await Keychain.create({
    store,
    keyEncryptionKey: kek,
    logger: mockServices.logger.mock(),
    cacheTtlMs: options.cacheTtlMs ?? 30_000,
    cacheSize: options.cacheSize ?? 1000,
    suppressedSubjects: options.suppressedSubjects,
    now: options.now,
  });
  return { keychain, db, kek, store };
}
