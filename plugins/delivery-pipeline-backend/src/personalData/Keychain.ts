import { LoggerService } from '@backstage/backend-plugin-api';
import { KeyEncryptionKey } from '@data-collection/plugin-delivery-pipeline-node';
import { TtlCache } from '@data-collection/plugin-event-schemas-common';
import {
  createHmac,
  createSecretKey,
  hkdfSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import {
  ErasureRecord,
  KeychainStore,
  StoredKey,
} from '../database/KeychainStore';
import {
  DATA_KEY_BYTES,
  DataKey,
  dataKey,
  newKeyId,
  newKeyMaterial,
  open,
  openText,
  seal,
  sealText,
} from './sealing';

/** What a data subject resolves to at ingest. */
export type SubjectKey = { key: DataKey } | { suppressed: true };

const SECRET_BYTES = 32;
const FAILED_EVENTS_OWNER = 'failed-events';
/** Purposes of what a data key seals besides personal values. */
export const SUBJECT_PURPOSE = 'subject';

/** A key read from the store, or `null` when there is none (erased). */
type KeyEntry = { key: DataKey; stored: StoredKey } | null;

/**
 * The personal data keychain: a key per data subject, created on first use,
 * each wrapped by the keychain secret, which the key-encryption key wraps.
 * Deleting a person's key (erasure) leaves everything it sealed unreadable,
 * wherever it was copied.
 *
 * Why a secret between the key-encryption key and the subjects' keys: a key
 * management service is then called when a replica starts and when the key
 * rotates, not once per person (millions, at its quota and latency).
 *
 * Keys are cached for `cacheTtlMs`, so an erasure made on one replica takes
 * effect on the others within that time: until then another replica may
 * still open the person's values, or seal new ones with the erased key
 * (which leaves those unreadable too).
 */
export class Keychain {
  readonly #store: KeychainStore;
  readonly #kek: KeyEncryptionKey;
  readonly #logger: LoggerService;
  readonly #wrappingKey: DataKey;
  readonly #indexKey: KeyObject;
  readonly #suppressedByConfig: Set<string>;
  /** By clear subject id: the key (or suppression) it resolves to. */
  readonly #subjects: TtlCache<SubjectKey>;
  /** By key id; `null` when no such key exists (erased). */
  readonly #keys: TtlCache<KeyEntry>;
  /** The failed-events key, apart: no subject id may name it. */
  readonly #storeKeys: TtlCache<DataKey>;

  static async create(options: {
    store: KeychainStore;
    keyEncryptionKey: KeyEncryptionKey;
    logger: LoggerService;
    /** How long a key read from the store is used. */
    cacheTtlMs: number;
    cacheSize: number;
    /** Subject ids whose events are refused, from config. */
    suppressedSubjects?: string[];
    now?: () => number;
  }): Promise<Keychain> {
    const { store, keyEncryptionKey: kek } = options;
    let wrapped = await store.getSecret();
    if (!wrapped) {
      await store.createSecret(await kek.wrap(randomBytes(SECRET_BYTES)));
      // Another replica may have stored its own first: use whichever won.
      wrapped = (await store.getSecret())!;
    }
    const secret = await kek.unwrap(wrapped);
    const keychain = new Keychain({ ...options, secret });
    await keychain.rewrap();
    return keychain;
  }

  private constructor(options: {
    store: KeychainStore;
    keyEncryptionKey: KeyEncryptionKey;
    logger: LoggerService;
    secret: Buffer;
    cacheTtlMs: number;
    cacheSize: number;
    suppressedSubjects?: string[];
    now?: () => number;
  }) {
    this.#store = options.store;
    this.#kek = options.keyEncryptionKey;
    this.#logger = options.logger;
    const derive = (info: string, bytes: number) =>
      Buffer.from(hkdfSync('sha256', options.secret, '', info, bytes));
    this.#wrappingKey = dataKey(
      'keychain',
      derive('delivery-pipeline keychain: wrapping', DATA_KEY_BYTES),
    );
    this.#indexKey = createSecretKey(
      derive('delivery-pipeline keychain: subject index', 32),
    );
    this.#suppressedByConfig = new Set(
      (options.suppressedSubjects ?? []).map(subject => this.ownerOf(subject)),
    );
    const cache = {
      ttlMs: options.cacheTtlMs,
      maxEntries: options.cacheSize,
      now: options.now,
      // Entries live for the TTL at most: least-recently-used bookkeeping on
      // every event's lookup would buy little.
      evict: 'oldest' as const,
    };
    this.#subjects = new TtlCache(cache);
    this.#keys = new TtlCache(cache);
    this.#storeKeys = new TtlCache(cache);
  }

  /**
   * How the store names a subject's key: a keyed hash of the id, so the
   * database never holds the clear id, and one cannot test whether a
   * given person is in it without the keychain secret.
   */
  ownerOf(subject: string): string {
    return `s:${createHmac('sha256', this.#indexKey)
      .update(subject)
      .digest('base64url')}`;
  }

  /**
   * The key of each subject (created for those seen for the first time),
   * or its suppression. The misses go to the store together.
   */
  async keysForSubjects(subjects: string[]): Promise<Map<string, SubjectKey>> {
    const resolved = new Map<string, SubjectKey>();
    const missing = new Map<string, string>();
    for (const subject of subjects) {
      if (resolved.has(subject) || missing.has(subject)) continue;
      const cached = this.#subjects.get(subject);
      if (cached) resolved.set(subject, cached);
      else missing.set(subject, this.ownerOf(subject));
    }
    if (missing.size === 0) return resolved;

    const owners = [...missing.values()];
    const suppressed = await this.#store.findSuppressed(owners);
    this.#suppressedByConfig.forEach(owner => suppressed.add(owner));
    const wanted = owners.filter(owner => !suppressed.has(owner));
    const byOwner = new Map(
      (await this.#store.findKeysByOwner(wanted)).map(k => [k.owner, k]),
    );
    const toCreate = [...missing].filter(
      ([, owner]) => !suppressed.has(owner) && !byOwner.has(owner),
    );
    if (toCreate.length > 0) {
      await this.#store.insertKeys(
        toCreate.map(([subject, owner]) => this.#newKey(owner, subject)),
      );
      // Read back: a key another replica created meanwhile wins.
      for (const key of await this.#store.findKeysByOwner(
        toCreate.map(([, owner]) => owner),
      )) {
        byOwner.set(key.owner, key);
      }
    }
    for (const [subject, owner] of missing) {
      let value: SubjectKey;
      if (suppressed.has(owner)) {
        value = { suppressed: true };
      } else {
        const stored = byOwner.get(owner);
        if (!stored) {
          throw new Error(`The key of a data subject was not stored`);
        }
        value = { key: this.#remember(stored).key };
      }
      this.#subjects.set(subject, value);
      resolved.set(subject, value);
    }
    return resolved;
  }

  /** The key sealing failed events whose data subject is unknown. */
  async failedEventsKey(): Promise<DataKey> {
    return this.#storeKeys.getOrLoad(FAILED_EVENTS_OWNER, async () => {
      let [stored] = await this.#store.findKeysByOwner([FAILED_EVENTS_OWNER]);
      if (!stored) {
        await this.#store.insertKeys([this.#newKey(FAILED_EVENTS_OWNER)]);
        // Another replica may have stored its own first: use whichever won.
        [stored] = await this.#store.findKeysByOwner([FAILED_EVENTS_OWNER]);
      }
      return this.#remember(stored).key;
    });
  }

  /** Keys by id; an id without a key (erased) is absent from the map. */
  async keysById(keyIds: Iterable<string>): Promise<Map<string, DataKey>> {
    const entries = await this.#entries(keyIds);
    const keys = new Map<string, DataKey>();
    for (const [keyId, entry] of entries) {
      if (entry) keys.set(keyId, entry.key);
    }
    return keys;
  }

  /**
   * The clear subject ids that pseudonyms (key ids) stand for; an erased
   * one is absent from the map.
   */
  async subjectsById(keyIds: Iterable<string>): Promise<Map<string, string>> {
    const subjects = new Map<string, string>();
    for (const [keyId, entry] of await this.#entries(keyIds)) {
      if (entry?.stored.sealedSubject) {
        subjects.set(
          keyId,
          openText(entry.key, SUBJECT_PURPOSE, entry.stored.sealedSubject),
        );
      }
    }
    return subjects;
  }

  /**
   * Erases a person: their keys and the failed events those sealed, in one
   * transaction. From then on every value they sealed reads as erased
   * (on other replicas within the cache's TTL).
   */
  async erase(options: {
    subject: string;
    suppress: boolean;
    erasedBy?: string;
    now?: Date;
  }): Promise<ErasureRecord> {
    const { record, keyIds } = await this.#store.erase({
      owner: this.ownerOf(options.subject),
      erasedAt: options.now ?? new Date(),
      erasedBy: options.erasedBy,
      suppress: options.suppress,
    });
    this.#subjects.delete(options.subject);
    keyIds.forEach(keyId => this.#keys.set(keyId, null));
    return record;
  }

  /** Lets a suppressed person's events in again; false if they were not suppressed. */
  async unsuppress(subject: string): Promise<boolean> {
    const lifted = await this.#store.unsuppress(this.ownerOf(subject));
    this.#subjects.delete(subject);
    return lifted;
  }

  /**
   * Rewraps the keychain secret when the key-encryption key's primary key
   * changed (a rotation); events and subjects' keys stay as they are.
   * Returns whether it rewrapped.
   */
  async rewrap(): Promise<boolean> {
    const current = await this.#store.getSecret();
    const primary = await this.#kek.primaryKeyId();
    if (!current || current.keyId === primary) return false;
    const secret = await this.#kek.unwrap(current);
    await this.#store.rewrapSecret({
      previousKeyId: current.keyId,
      secret: await this.#kek.wrap(secret),
    });
    this.#logger.info(
      `Rewrapped the personal data keychain: key-encryption key '${current.keyId}' -> '${primary}'; the old key may be retired`,
    );
    return true;
  }

  async #entries(keyIds: Iterable<string>): Promise<Map<string, KeyEntry>> {
    const entries = new Map<string, KeyEntry>();
    const missing: string[] = [];
    for (const keyId of keyIds) {
      if (entries.has(keyId)) continue;
      const cached = this.#keys.get(keyId);
      if (cached !== undefined) {
        entries.set(keyId, cached);
      } else {
        entries.set(keyId, null);
        missing.push(keyId);
      }
    }
    if (missing.length > 0) {
      const found = new Map(
        (await this.#store.findKeysById(missing)).map(k => [k.keyId, k]),
      );
      for (const keyId of missing) {
        const stored = found.get(keyId);
        if (stored) {
          entries.set(keyId, this.#remember(stored));
        } else {
          // Erased keys never come back: remembering the absence spares
          // the store a lookup per value of an erased person.
          this.#keys.set(keyId, null);
        }
      }
    }
    return entries;
  }

  #remember(stored: StoredKey): { key: DataKey; stored: StoredKey } {
    const material = open(
      this.#wrappingKey,
      Buffer.from(stored.wrappedKey, 'base64url'),
      Buffer.from(`data-key\u0000${stored.keyId}`),
    );
    const entry = { key: dataKey(stored.keyId, material), stored };
    this.#keys.set(stored.keyId, entry);
    return entry;
  }

  #newKey(owner: string, subject?: string): StoredKey {
    const keyId = newKeyId();
    const material = newKeyMaterial();
    const key = dataKey(keyId, material);
    return {
      keyId,
      owner,
      wrappedKey: seal(
        this.#wrappingKey,
        material,
        Buffer.from(`data-key\u0000${keyId}`),
      ).toString('base64url'),
      sealedSubject:
        subject === undefined
          ? undefined
          : sealText(key, SUBJECT_PURPOSE, subject),
    };
  }
}
