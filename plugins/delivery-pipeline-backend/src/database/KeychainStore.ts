import { WrappedSecret } from '@data-collection/plugin-delivery-pipeline-node';

/** One key of the keychain, as stored: nothing in it is readable alone. */
export type StoredKey = {
  keyId: string;
  /** `s:` and the keyed hash of a subject id, or `failed-events`. */
  owner: string;
  /** Sealed by the keychain secret. */
  wrappedKey: string;
  /** The subject id sealed by the key itself; absent for store keys. */
  sealedSubject?: string;
};

/** What an erasure did, as recorded (the clear subject id is not kept). */
export type ErasureRecord = {
  erasedAt: Date;
  keysDeleted: number;
  failedEventsDeleted: number;
  suppressed: boolean;
};

/**
 * The personal data keychain's tables: `personal_data_keychain`,
 * `personal_data_keys`, `data_subject_erasures` and
 * `data_subject_suppressions`. An erasure also deletes rows of
 * `failed_events` (those sealed with the erased keys): it is the one writer
 * of that table besides ingest and retention.
 */
export interface KeychainStore {
  getSecret(): Promise<WrappedSecret | undefined>;
  /** Stores the secret unless another replica stored one first. */
  createSecret(secret: WrappedSecret): Promise<void>;
  /** Replaces the wrapped secret if it is still wrapped under `previousKeyId`. */
  rewrapSecret(options: {
    previousKeyId: string;
    secret: WrappedSecret;
  }): Promise<void>;

  findKeysByOwner(owners: string[]): Promise<StoredKey[]>;
  findKeysById(keyIds: string[]): Promise<StoredKey[]>;
  /** Inserts keys; an owner that already has one keeps it. */
  insertKeys(keys: StoredKey[]): Promise<void>;

  /** The owners among `owners` whose events are refused. */
  findSuppressed(owners: string[]): Promise<Set<string>>;
  getErasure(owner: string): Promise<ErasureRecord | undefined>;
  /**
   * In one transaction: deletes the owner's keys and the failed events they
   * sealed, records the receipt (and the suppression), unless there is
   * nothing to delete and an earlier receipt exists, which is returned.
   * Also returns the ids of the keys it deleted.
   */
  erase(options: {
    owner: string;
    erasedAt: Date;
    erasedBy?: string;
    suppress: boolean;
  }): Promise<{ record: ErasureRecord; keyIds: string[] }>;
  /** Lifts a suppression; false when there was none. */
  unsuppress(owner: string): Promise<boolean>;
}
