import {
  CIPHERTEXT_PREFIX,
  parseCiphertext,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';

/**
 * The bytes of a data key: an AES-256 key and an HMAC-SHA256 key that
 * derives each nonce.
 */
export const DATA_KEY_BYTES = 64;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A key that seals values: a data subject's key, the failed-events store's,
 * or the keychain's own wrapping key.
 */
export type DataKey = {
  /** 16 random bytes, base64url: names the key in everything it sealed. */
  keyId: string;
  cipherKey: KeyObject;
  nonceKey: KeyObject;
};

export function newKeyId(): string {
  return randomBytes(16).toString('base64url');
}

export function newKeyMaterial(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

export function dataKey(keyId: string, material: Buffer): DataKey {
  if (material.length !== DATA_KEY_BYTES) {
    throw new Error(
      `A data key has ${DATA_KEY_BYTES} bytes; got ${material.length}`,
    );
  }
  return {
    keyId,
    cipherKey: createSecretKey(material.subarray(0, 32)),
    nonceKey: createSecretKey(material.subarray(32)),
  };
}

/** The sealed value failed authentication: it was changed after sealing. */
export class SealBrokenError extends Error {
  name = 'SealBrokenError';
}

/**
 * AES-256-GCM with the nonce derived from what is sealed (an HMAC of the
 * associated data and the plaintext, as in SIV constructions): the same
 * value under the same key and context always seals to the same bytes.
 * That keeps a resent event byte-identical to its first copy, so the
 * deduper still tells resends from conflicts. What it reveals is only that
 * two sealed values of one person in one context are equal. Distinct
 * plaintexts get distinct nonces (a collision of 96 bits of HMAC would be
 * needed), which is what GCM requires.
 */
export function seal(key: DataKey, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = createHmac('sha256', key.nonceKey)
    .update(aad)
    .update(plaintext)
    .digest()
    .subarray(0, NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.cipherKey, nonce);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Opens what {@link seal} sealed; throws {@link SealBrokenError} if changed. */
export function open(key: DataKey, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new SealBrokenError('The sealed value is too short');
  }
  const decipher = createDecipheriv(
    'aes-256-gcm',
    key.cipherKey,
    sealed.subarray(0, NONCE_BYTES),
  );
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(
    sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES),
  );
  try {
    decipher.final();
  } catch {
    throw new SealBrokenError(
      'The sealed value failed authentication: it was changed after it was written',
    );
  }
  return body;
}

/**
 * A personal value's context: its key and its event type. A value moved to
 * another type does not open, so the permission to read one type's
 * personal data never opens another's.
 */
function valueContext(keyId: string, eventType: string): Buffer {
  return Buffer.from(`${CIPHERTEXT_PREFIX}${keyId}\u0000${eventType}`);
}

/** `pd1:<keyId>:<sealed>`: a personal value as it is stored. */
export function sealValue(
  key: DataKey,
  eventType: string,
  value: unknown,
): string {
  const sealed = seal(
    key,
    Buffer.from(JSON.stringify(value)),
    valueContext(key.keyId, eventType),
  );
  return flat(
    `${CIPHERTEXT_PREFIX}${key.keyId}:${sealed.toString('base64url')}`,
  );
}

/**
 * One flat string instead of a chain of concatenations: ingest serializes a
 * remembered sealed value once per event, and V8 would walk the chain (or
 * flatten it) each time.
 */
export function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/**
 * The value that {@link sealValue} sealed. Throws {@link SealBrokenError}
 * when it was changed, or was sealed for another type or key.
 */
export function openValue(
  key: DataKey,
  eventType: string,
  ciphertext: string,
): unknown {
  const parsed = parseCiphertext(ciphertext);
  if (!parsed || parsed.keyId !== key.keyId) {
    throw new SealBrokenError(`Not a value sealed with key ${key.keyId}`);
  }
  const plaintext = open(
    key,
    Buffer.from(parsed.sealed, 'base64url'),
    valueContext(key.keyId, eventType),
  );
  return JSON.parse(plaintext.toString('utf8'));
}

/** Seals text (a failed event's payload, a subject id) for one purpose. */
export function sealText(key: DataKey, purpose: string, text: string): string {
  return seal(
    key,
    Buffer.from(text),
    Buffer.from(`${purpose}\u0000${key.keyId}`),
  ).toString('base64url');
}

export function openText(
  key: DataKey,
  purpose: string,
  sealed: string,
): string {
  return open(
    key,
    Buffer.from(sealed, 'base64url'),
    Buffer.from(`${purpose}\u0000${key.keyId}`),
  ).toString('utf8');
}
