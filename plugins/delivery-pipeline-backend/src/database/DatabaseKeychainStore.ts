import { WrappedSecret } from '@data-collection/plugin-delivery-pipeline-node';
import { Knex } from 'knex';
import { ErasureRecord, KeychainStore, StoredKey } from './KeychainStore';

type KeyRow = {
  key_id: string;
  owner: string;
  wrapped_key: string;
  sealed_subject: string | null;
};

type ErasureRow = {
  erased_at: Date | string | number;
  keys_deleted: number | string;
  failed_events_deleted: number | string;
  suppressed: boolean | number;
};

/** Bound on the ids of one `IN (...)` list. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    out.push(items.slice(i, i + CHUNK));
  }
  return out;
}

const toStoredKey = (row: KeyRow): StoredKey => ({
  keyId: row.key_id,
  owner: row.owner,
  wrappedKey: row.wrapped_key,
  sealedSubject: row.sealed_subject ?? undefined,
});

const toErasure = (row: ErasureRow): ErasureRecord => ({
  erasedAt: new Date(row.erased_at),
  keysDeleted: Number(row.keys_deleted),
  failedEventsDeleted: Number(row.failed_events_deleted),
  suppressed: Boolean(row.suppressed),
});

/** {@link KeychainStore} on the plugin's database; migrations run elsewhere. */
export class DatabaseKeychainStore implements KeychainStore {
  constructor(private readonly db: Knex) {}

  async getSecret(): Promise<WrappedSecret | undefined> {
    const row = await this.db('personal_data_keychain')
      .where({ id: 1 })
      .first();
    return row
      ? {
          keyId: row.kek_id,
          wrapped: Buffer.from(row.wrapped_secret, 'base64'),
        }
      : undefined;
  }

  async createSecret(secret: WrappedSecret): Promise<void> {
    await this.db('personal_data_keychain')
      .insert({
        id: 1,
        wrapped_secret: secret.wrapped.toString('base64'),
        kek_id: secret.keyId,
        created_at: new Date(),
      })
      .onConflict('id')
      .ignore();
  }

  async rewrapSecret(options: {
    previousKeyId: string;
    secret: WrappedSecret;
  }): Promise<void> {
    await this.db('personal_data_keychain')
      .where({ id: 1, kek_id: options.previousKeyId })
      .update({
        wrapped_secret: options.secret.wrapped.toString('base64'),
        kek_id: options.secret.keyId,
        rewrapped_at: new Date(),
      });
  }

  async findKeysByOwner(owners: string[]): Promise<StoredKey[]> {
    const found: StoredKey[] = [];
    for (const part of chunks(owners)) {
      const rows: KeyRow[] = await this.db('personal_data_keys').whereIn(
        'owner',
        part,
      );
      found.push(...rows.map(toStoredKey));
    }
    return found;
  }

  async findKeysById(keyIds: string[]): Promise<StoredKey[]> {
    const found: StoredKey[] = [];
    for (const part of chunks(keyIds)) {
      const rows: KeyRow[] = await this.db('personal_data_keys').whereIn(
        'key_id',
        part,
      );
      found.push(...rows.map(toStoredKey));
    }
    return found;
  }

  async insertKeys(keys: StoredKey[]): Promise<void> {
    const createdAt = new Date();
    for (const part of chunks(keys)) {
      await this.db('personal_data_keys')
        .insert(
          part.map(key => ({
            key_id: key.keyId,
            owner: key.owner,
            wrapped_key: key.wrappedKey,
            sealed_subject: key.sealedSubject ?? null,
            created_at: createdAt,
          })),
        )
        .onConflict('owner')
        .ignore();
    }
  }

  async findSuppressed(owners: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(owners)) {
      const rows: Array<{ owner: string }> = await this.db(
        'data_subject_suppressions',
      )
        .select('owner')
        .whereIn('owner', part);
      rows.forEach(row => found.add(row.owner));
    }
    return found;
  }

  async getErasure(owner: string): Promise<ErasureRecord | undefined> {
    const row = await this.db('data_subject_erasures').where({ owner }).first();
    return row ? toErasure(row) : undefined;
  }

  async erase(options: {
    owner: string;
    erasedAt: Date;
    erasedBy?: string;
    suppress: boolean;
  }): Promise<{ record: ErasureRecord; keyIds: string[] }> {
    const { owner, erasedAt, suppress } = options;
    return this.db.transaction(async tx => {
      const keyIds: string[] = (
        await tx('personal_data_keys').select('key_id').where({ owner })
      ).map((row: { key_id: string }) => row.key_id);
      let failedEventsDeleted = 0;
      for (const part of chunks(keyIds)) {
        failedEventsDeleted += await tx('failed_events')
          .whereIn('key_id', part)
          .delete();
      }
      const keysDeleted = keyIds.length
        ? await tx('personal_data_keys').where({ owner }).delete()
        : 0;
      if (suppress) {
        await tx('data_subject_suppressions')
          .insert({ owner, suppressed_at: erasedAt })
          .onConflict('owner')
          .ignore();
      }
      const earlier: ErasureRow | undefined = await tx('data_subject_erasures')
        .where({ owner })
        .first();
      if (earlier && keysDeleted === 0 && failedEventsDeleted === 0) {
        // Nothing new to erase: the same request again gets the same receipt
        // (with a suppression asked for now, if it was not before).
        if (suppress && !earlier.suppressed) {
          await tx('data_subject_erasures')
            .where({ owner })
            .update({ suppressed: true });
        }
        const record = {
          ...toErasure(earlier),
          suppressed: suppress || Boolean(earlier.suppressed),
        };
        return { record, keyIds };
      }
      const record = {
        owner,
        erased_at: erasedAt,
        erased_by: options.erasedBy ?? null,
        keys_deleted: keysDeleted,
        failed_events_deleted: failedEventsDeleted,
        suppressed: suppress || Boolean(earlier?.suppressed),
      };
      await tx('data_subject_erasures')
        .insert(record)
        .onConflict('owner')
        .merge();
      return { record: toErasure(record), keyIds };
    });
  }

  async unsuppress(owner: string): Promise<boolean> {
    const deleted = await this.db('data_subject_suppressions')
      .where({ owner })
      .delete();
    if (deleted > 0) {
      await this.db('data_subject_erasures')
        .where({ owner })
        .update({ suppressed: false });
    }
    return deleted > 0;
  }
}
