import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseFailedEventStore } from '../database/DatabaseFailedEventStore';
import { migrateDatabase } from '../database/migrateDatabase';
import {
  MemoryKeyEncryptionKey,
  testKeychain,
} from './__testUtils__/testKeychain';
import { openValue, sealText, sealValue } from './sealing';

jest.setTimeout(60_000);

const TYPE = 'com.example.account.updated';

describe('Keychain', () => {
  const databases = TestDatabases.create();

  async function database(databaseId: TestDatabaseId): Promise<Knex> {
    const db = await databases.init(databaseId);
    await migrateDatabase({ getClient: async () => db });
    return db;
  }

  it.each(databases.eachSupportedId())(
    'gives each person one key, created on first use and shared by every replica, %p',
    async databaseId => {
      const db = await database(databaseId);
      const kek = new MemoryKeyEncryptionKey();
      const [a, b] = await Promise.all([
        testKeychain({ db, kek }),
        testKeychain({ db, kek }),
      ]);
      // Both replicas see a new person at once: one key wins, for both.
      const [fromA, fromB] = await Promise.all([
        a.keychain.keysForSubjects(['alice', 'bob', 'alice']),
        b.keychain.keysForSubjects(['bob', 'alice']),
      ]);
      const keyOf = (m: Map<string, any>, s: string) => m.get(s).key.keyId;
      expect(keyOf(fromA, 'alice')).toBe(keyOf(fromB, 'alice'));
      expect(keyOf(fromA, 'bob')).toBe(keyOf(fromB, 'bob'));
      expect(keyOf(fromA, 'alice')).not.toBe(keyOf(fromA, 'bob'));
      expect(
        Number((await db('personal_data_keys').count({ n: '*' }))[0].n),
      ).toBe(2);

      // A value sealed on one replica opens on another, and on a new one.
      const alice = fromA.get('alice') as any;
      const sealed = sealValue(alice.key, TYPE, 'alice@example.com');
      const c = await testKeychain({ db, kek });
      const keys = await c.keychain.keysById([alice.key.keyId]);
      expect(openValue(keys.get(alice.key.keyId)!, TYPE, sealed)).toBe(
        'alice@example.com',
      );
      expect(await c.keychain.subjectsById([alice.key.keyId])).toEqual(
        new Map([[alice.key.keyId, 'alice']]),
      );
      // One secret, wrapped once; the key-encryption key is not called per person.
      expect(kek.calls.wrap).toBeLessThanOrEqual(2);
    },
  );

  it.each(databases.eachSupportedId())(
    "keeps the failed-events key apart from any person's, whatever their id, %p",
    async databaseId => {
      const db = await database(databaseId);
      const { keychain } = await testKeychain({ db });
      const storeKey = await keychain.failedEventsKey();
      const person = (await keychain.keysForSubjects(['failed-events'])).get(
        'failed-events',
      ) as any;
      expect(person.key.keyId).not.toBe(storeKey.keyId);
      expect((await keychain.failedEventsKey()).keyId).toBe(storeKey.keyId);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps no clear subject id and no clear key in the database, %p',
    async databaseId => {
      const db = await database(databaseId);
      const { keychain } = await testKeychain({ db });
      const subject = 'user-4711@example.com';
      const resolved = (await keychain.keysForSubjects([subject])).get(
        subject,
      ) as any;
      const dump = JSON.stringify([
        await db('personal_data_keys').select(),
        await db('personal_data_keychain').select(),
      ]);
      expect(dump).not.toContain(subject);
      expect(dump).not.toContain('user-4711');
      const material = Buffer.concat([
        resolved.key.cipherKey.export(),
        resolved.key.nonceKey.export(),
      ]);
      expect(dump).not.toContain(material.toString('base64'));
      expect(dump).not.toContain(material.toString('base64url'));
      expect(dump).not.toContain(material.toString('hex'));
    },
  );

  it.each(databases.eachSupportedId())(
    'erases a person: their key and failed events go, the receipt repeats, others stay readable, %p',
    async databaseId => {
      const db = await database(databaseId);
      const { keychain } = await testKeychain({ db });
      const keys = await keychain.keysForSubjects(['alice', 'bob']);
      const alice = (keys.get('alice') as any).key;
      const bob = (keys.get('bob') as any).key;
      const failed = new DatabaseFailedEventStore(db);
      const storeKey = await keychain.failedEventsKey();
      await failed.add(
        [alice, alice, bob, storeKey].map((key, i) => ({
          receivedAt: new Date(),
          eventType: TYPE,
          reason: 'r',
          payload: sealText(key, 'failed-event', `{"n":${i}}`),
          keyId: key.keyId,
          payloadTruncated: false,
        })),
      );

      const now = new Date('2026-12-07T10:00:00Z');
      const receipt = await keychain.erase({
        subject: 'alice',
        suppress: false,
        erasedBy: 'user:default/dpo',
        now,
      });
      expect(receipt).toEqual({
        erasedAt: now,
        keysDeleted: 1,
        failedEventsDeleted: 2,
        suppressed: false,
      });
      expect(
        (await keychain.keysById([alice.keyId, bob.keyId])).has(alice.keyId),
      ).toBe(false);
      expect(await keychain.subjectsById([alice.keyId])).toEqual(new Map());
      expect(
        (await failed.list({ limit: 10 })).items.map(e => e.keyId).sort(),
      ).toEqual([bob.keyId, storeKey.keyId].sort());
      // A second call: nothing left to erase, the same receipt.
      expect(
        await keychain.erase({
          subject: 'alice',
          suppress: false,
          now: new Date(),
        }),
      ).toEqual(receipt);
      const audit = await db('data_subject_erasures').select();
      expect(JSON.stringify(audit)).not.toContain('alice');

      // Alice's later events are new data: a new key, a new pseudonym.
      const again = (await keychain.keysForSubjects(['alice'])).get(
        'alice',
      ) as any;
      expect(again.key.keyId).not.toBe(alice.keyId);
      // Bob is untouched.
      expect((await keychain.keysForSubjects(['bob'])).get('bob')).toEqual({
        key: bob,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses the events of suppressed people, from an erasure or the config, until lifted, %p',
    async databaseId => {
      const db = await database(databaseId);
      const { keychain } = await testKeychain({
        db,
        suppressedSubjects: ['carol'],
      });
      await keychain.keysForSubjects(['alice']);
      const receipt = await keychain.erase({
        subject: 'alice',
        suppress: true,
      });
      expect(receipt).toMatchObject({ keysDeleted: 1, suppressed: true });
      const resolved = await keychain.keysForSubjects([
        'alice',
        'carol',
        'dan',
      ]);
      expect(resolved.get('alice')).toEqual({ suppressed: true });
      expect(resolved.get('carol')).toEqual({ suppressed: true });
      expect(resolved.get('dan')).toHaveProperty('key');
      expect(
        Number((await db('personal_data_keys').count({ n: '*' }))[0].n),
      ).toBe(1);
      // Asking to suppress after an erasure without it records it.
      await keychain.keysForSubjects(['erin']);
      await keychain.erase({ subject: 'erin', suppress: false });
      expect(
        await keychain.erase({ subject: 'erin', suppress: true }),
      ).toMatchObject({ keysDeleted: 1, suppressed: true });
      expect(await keychain.unsuppress('alice')).toBe(true);
      expect(await keychain.unsuppress('alice')).toBe(false);
      expect(
        (await keychain.keysForSubjects(['alice'])).get('alice'),
      ).toHaveProperty('key');
    },
  );

  it.each(databases.eachSupportedId())(
    'makes an erasure take effect on another replica within the key cache TTL, %p',
    async databaseId => {
      const db = await database(databaseId);
      let now = 1_000_000;
      const ttl = 30_000;
      const kek = new MemoryKeyEncryptionKey();
      const a = await testKeychain({
        db,
        kek,
        cacheTtlMs: ttl,
        now: () => now,
      });
      const b = await testKeychain({
        db,
        kek,
        cacheTtlMs: ttl,
        now: () => now,
      });
      const alice = (
        (await a.keychain.keysForSubjects(['alice'])).get('alice') as any
      ).key;
      expect((await b.keychain.keysById([alice.keyId])).has(alice.keyId)).toBe(
        true,
      );

      await a.keychain.erase({ subject: 'alice', suppress: false });
      // On the erasing replica at once.
      expect((await a.keychain.keysById([alice.keyId])).has(alice.keyId)).toBe(
        false,
      );
      // On the other, while its cached copy lives...
      now += ttl - 1;
      expect((await b.keychain.keysById([alice.keyId])).has(alice.keyId)).toBe(
        true,
      );
      // ...and no longer once it expired.
      now += 1;
      expect((await b.keychain.keysById([alice.keyId])).has(alice.keyId)).toBe(
        false,
      );
      expect(await b.keychain.subjectsById([alice.keyId])).toEqual(new Map());
    },
  );

  it.each(databases.eachSupportedId())(
    'rewraps its secret when the key-encryption key rotates, leaving sealed data readable, %p',
    async databaseId => {
      const db = await database(databaseId);
      const kek = new MemoryKeyEncryptionKey();
      const first = await testKeychain({ db, kek });
      const alice = (
        (await first.keychain.keysForSubjects(['alice'])).get('alice') as any
      ).key;
      const sealed = sealValue(alice, TYPE, 'alice@example.com');
      const before = await db('personal_data_keychain').first();
      const keysBefore = await db('personal_data_keys').select();

      kek.rotate();
      expect(await first.keychain.rewrap()).toBe(true);
      expect(await first.keychain.rewrap()).toBe(false);
      const after = await db('personal_data_keychain').first();
      expect(after.kek_id).toBe('v2');
      expect(after.wrapped_secret).not.toBe(before.wrapped_secret);
      // The subjects' keys are untouched: no event or key is rewritten.
      expect(await db('personal_data_keys').select()).toEqual(keysBefore);

      // The old version retired: a new replica opens everything with v2 alone.
      kek.versions.delete('v1');
      const second = await testKeychain({ db, kek });
      const keys = await second.keychain.keysById([alice.keyId]);
      expect(openValue(keys.get(alice.keyId)!, TYPE, sealed)).toBe(
        'alice@example.com',
      );
    },
  );
});
