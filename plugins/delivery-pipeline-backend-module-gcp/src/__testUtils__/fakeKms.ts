import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { http, HttpHandler, HttpResponse } from 'msw';
import { crc32c } from '../kms/crc32c';
import { googleErrorResponse } from './googleError';

/** The methods the fake answers, named as in the Cloud KMS API. */
export type FakeKmsRpc =
  | 'createKeyRing'
  | 'getKeyRing'
  | 'createCryptoKey'
  | 'getCryptoKey'
  | 'updatePrimaryVersion'
  | 'createCryptoKeyVersion'
  | 'getCryptoKeyVersion'
  | 'patchCryptoKeyVersion'
  | 'encrypt'
  | 'decrypt';

/** The IAM permission each method needs, as Cloud KMS checks them. */
const PERMISSIONS: Record<FakeKmsRpc, string> = {
  createKeyRing: 'cloudkms.keyRings.create',
  getKeyRing: 'cloudkms.keyRings.get',
  createCryptoKey: 'cloudkms.cryptoKeys.create',
  getCryptoKey: 'cloudkms.cryptoKeys.get',
  updatePrimaryVersion: 'cloudkms.cryptoKeys.update',
  createCryptoKeyVersion: 'cloudkms.cryptoKeyVersions.create',
  getCryptoKeyVersion: 'cloudkms.cryptoKeyVersions.get',
  patchCryptoKeyVersion: 'cloudkms.cryptoKeyVersions.update',
  encrypt: 'cloudkms.cryptoKeyVersions.useToEncrypt',
  decrypt: 'cloudkms.cryptoKeyVersions.useToDecrypt',
};

/** How {@link FakeKms.corruptNext} spoils an answer. */
export type FakeKmsCorruption =
  /** The checksum of the returned ciphertext or plaintext is wrong. */
  | 'response-checksum'
  /** The encrypt answer says the request's checksums were not verified. */
  | 'unverified-request'
  /** The request is refused as if its data did not match its checksum. */
  | 'request-checksum';

type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

type FakeVersion = {
  name: string;
  id: number;
  state: VersionState;
  material: Buffer;
  createTime: string;
};

type FakeCryptoKey = {
  name: string;
  purpose: string;
  createTime: string;
  primary?: number;
  versions: Map<number, FakeVersion>;
};

type Route = { rpc: FakeKmsRpc; name: string; parent?: string };

const LOCATION = /^projects\/[^/]+\/locations\/[^/]+$/;
const ID = /^[a-zA-Z0-9_-]{1,63}$/;
const MAX_PLAINTEXT = 64 * 1024;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

type Body = Record<string, unknown>;

/** An error answered with Google's body; thrown inside the fake. */
class KmsError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status?: string,
  ) {
    super(message);
  }

  response(): Response {
    return googleErrorResponse(this.code, this.message, {
      status: this.status,
    });
  }
}

const invalid = (message: string) => new KmsError(400, message);
const notFound = (kind: string, name: string) =>
  new KmsError(404, `${kind} ${name} not found.`);
const notEnabled = (version: FakeVersion) =>
  new KmsError(
    400,
    `${version.name} is not enabled, current state is: ${version.state}.`,
    'FAILED_PRECONDITION',
  );

function now(): string {
  return new Date().toISOString();
}

function versionResource(version: FakeVersion) {
  return {
    name: version.name,
    state: version.state,
    protectionLevel: 'SOFTWARE',
    algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
    createTime: version.createTime,
    generateTime: version.createTime,
  };
}

/** A `bytes` field of a request: base64, as the REST API carries bytes. */
function bytesField(body: Body, field: string, required: boolean): Buffer {
  const value = body[field];
  if (value === undefined || value === '') {
    if (required) throw invalid(`${field} is required.`);
    return Buffer.alloc(0);
  }
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw invalid(`Invalid value at '${field}' (TYPE_BYTES), "${value}"`);
  }
  return Buffer.from(value, 'base64');
}

/** `field_crc32c`, as Cloud KMS names the checksum fields in its messages. */
const snake = (field: string) =>
  `${field.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`)}_crc32c`;

/** Refuses a request whose data does not match the checksum sent with it. */
function checkChecksum(
  body: Body,
  field: string,
  data: Buffer,
  corruption: FakeKmsCorruption | undefined,
) {
  const sent = body[`${field}Crc32c`];
  if (sent === undefined) return;
  if (corruption === 'request-checksum' || String(sent) !== crc32c(data)) {
    const name = field.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
    throw invalid(
      `The checksum in field ${snake(
        field,
      )} did not match the data in field ${name}.`,
    );
  }
}

/** The checksum of an answer, wrong when the test asked for it. */
function spoil(
  checksum: string,
  corruption: FakeKmsCorruption | undefined,
): string {
  return corruption === 'response-checksum'
    ? String((Number(checksum) + 1) % 2 ** 32)
    : checksum;
}

/** The key's name and the AAD, both authenticated by the cipher. */
function boundData(keyName: string, aad: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${keyName}\0`), aad]);
}

/**
 * A stateful fake of the Cloud KMS REST API v1, the part a symmetric
 * key-encryption key uses and what a test needs to set one up: key rings
 * and crypto keys (create, get), key versions (create, get, state changes
 * by patch), the primary version (`updatePrimaryVersion`), and `encrypt` /
 * `decrypt` with additional authenticated data and the CRC32C integrity
 * fields, checked as Cloud KMS checks them. Errors carry Google's body
 * (NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION,
 * PERMISSION_DENIED).
 *
 * Ciphertext really is ciphertext: AES-256-GCM under the version's own key
 * material, bound to the crypto key's name and the request's additional
 * authenticated data, prefixed with the version id (as Cloud KMS's
 * ciphertext names its version), so a changed byte or other AAD fails
 * decryption. Not modelled: asymmetric and MAC keys, import, scheduled
 * destruction, automatic rotation (call {@link FakeKms.rotate}), IAM
 * policies (a test denies permissions with {@link FakeKms.deny}).
 *
 * Handlers match on the path only, so the same fake answers a client
 * pointed at `https://cloudkms.googleapis.com` through msw or at a
 * `serveHandlers` URL in another process.
 */
export class FakeKms {
  readonly keyRings = new Map<string, { name: string; createTime: string }>();
  readonly #keys = new Map<string, FakeCryptoKey>();
  readonly #denied = new Set<string>();
  readonly #faults: Array<{ rpc: FakeKmsRpc; status: number; times: number }> =
    [];
  readonly #corruptions: Array<{
    rpc: 'encrypt' | 'decrypt';
    corruption: FakeKmsCorruption;
    times: number;
  }> = [];
  /** Every call, in order. */
  readonly calls: Array<{ rpc: FakeKmsRpc; name: string }> = [];

  /**
   * Creates a key ring (when missing) and a symmetric crypto key in it with
   * version 1 primary, as `gcloud kms keys create --purpose encryption`
   * does. `name` is the crypto key's full resource name.
   */
  createKey(name: string, purpose = 'ENCRYPT_DECRYPT'): void {
    const match = /^(.+)\/cryptoKeys\/([^/]+)$/.exec(name);
    const ring = match?.[1] ?? '';
    if (!match || !/^(.+)\/keyRings\/[^/]+$/.test(ring)) {
      throw new Error(`Not a crypto key name: ${name}`);
    }
    if (!this.keyRings.has(ring)) {
      this.keyRings.set(ring, { name: ring, createTime: now() });
    }
    this.#createKey(name, purpose);
  }

  /**
   * What a rotation does: a new version, made primary. Answers its name.
   */
  rotate(keyName: string): string {
    const key = this.#keys.get(keyName);
    if (!key) throw new Error(`No crypto key ${keyName}`);
    const version = this.#addVersion(key);
    key.primary = version.id;
    return version.name;
  }

  /** Changes a version's state, as disabling or destroying it does. */
  setVersionState(versionName: string, state: VersionState): void {
    const version = this.#version(versionName);
    if (!version) throw new Error(`No key version ${versionName}`);
    version.state = state;
  }

  /** The name of a key's primary version, if it has one. */
  primaryOf(keyName: string): string | undefined {
    const key = this.#keys.get(keyName);
    return key?.primary === undefined
      ? undefined
      : key.versions.get(key.primary)?.name;
  }

  /** Refuses every call that needs `permission` (403 PERMISSION_DENIED). */
  deny(permission: string): void {
    this.#denied.add(permission);
  }

  /** Grants again what {@link FakeKms.deny} took away; all without one. */
  allow(permission?: string): void {
    if (permission) this.#denied.delete(permission);
    else this.#denied.clear();
  }

  /** Makes the next `times` calls of `rpc` fail with `status` (429, 503...). */
  failNext(rpc: FakeKmsRpc, fault: { status: number; times?: number }): void {
    this.#faults.push({ rpc, status: fault.status, times: fault.times ?? 1 });
  }

  /** Spoils the next `times` answers of `rpc`, as corruption in transit would. */
  corruptNext(
    rpc: 'encrypt' | 'decrypt',
    corruption: FakeKmsCorruption,
    times = 1,
  ): void {
    this.#corruptions.push({ rpc, corruption, times });
  }

  handlers(): HttpHandler[] {
    return [
      http.all('*', async ({ request }) => {
        const url = new URL(request.url);
        const route = this.#route(
          request.method,
          decodeURIComponent(url.pathname),
        );
        if (!route) return undefined; // another fake's request
        if (!request.headers.get('authorization')?.startsWith('Bearer ')) {
          return googleErrorResponse(
            401,
            'Request had invalid authentication credentials.',
          );
        }
        this.calls.push({ rpc: route.rpc, name: route.name });
        const fault = this.#take(this.#faults, f => f.rpc === route.rpc);
        if (fault) {
          return googleErrorResponse(
            fault.status,
            fault.status === 429
              ? "Quota exceeded for quota metric 'Cryptographic requests' and limit 'Cryptographic requests per minute' of service 'cloudkms.googleapis.com'."
              : `The service is currently unavailable (injected ${fault.status}).`,
          );
        }
        const permission = PERMISSIONS[route.rpc];
        if (this.#denied.has(permission)) {
          return googleErrorResponse(
            403,
            `Permission '${permission}' denied on resource '${route.name}' (or it may not exist).`,
          );
        }
        const body =
          request.method === 'GET'
            ? {}
            : ((await request.json().catch(() => ({}))) as Body);
        try {
          return this.#answer(route, body, url.searchParams);
        } catch (error) {
          if (error instanceof KmsError) return error.response();
          throw error;
        }
      }),
    ];
  }

  #route(method: string, path: string): Route | undefined {
    const match = /^\/v1\/(projects\/.+?)(?::(\w+))?$/.exec(path);
    if (!match) return undefined;
    const [, name, verb] = match;
    const segments = name.split('/');
    // projects/P/locations/L[/keyRings/R[/cryptoKeys/K[/cryptoKeyVersions/V]]]
    const collection = segments.length % 2 === 0 ? undefined : segments.at(-1);
    const resource = collection
      ? segments.slice(0, -1).join('/')
      : segments.join('/');
    const depth = resource.split('/').length;
    const kinds = ['projects', 'locations', 'keyRings', 'cryptoKeys'];
    if (
      depth < 4 ||
      kinds.some((kind, i) => i * 2 < depth && segments[i * 2] !== kind) ||
      (depth >= 10 && segments[8] !== 'cryptoKeyVersions')
    ) {
      return undefined;
    }
    if (collection && method === 'POST' && !verb) {
      const rpc = (
        {
          keyRings: depth === 4 ? 'createKeyRing' : undefined,
          cryptoKeys: depth === 6 ? 'createCryptoKey' : undefined,
          cryptoKeyVersions: depth === 8 ? 'createCryptoKeyVersion' : undefined,
        } as Record<string, FakeKmsRpc | undefined>
      )[collection];
      return rpc && { rpc, name: resource, parent: resource };
    }
    if (collection) return undefined;
    if (depth === 6 && method === 'GET') return { rpc: 'getKeyRing', name };
    if (depth === 8) {
      if (method === 'GET' && !verb) return { rpc: 'getCryptoKey', name };
      if (method === 'POST' && verb === 'encrypt') {
        return { rpc: 'encrypt', name };
      }
      if (method === 'POST' && verb === 'decrypt') {
        return { rpc: 'decrypt', name };
      }
      if (method === 'POST' && verb === 'updatePrimaryVersion') {
        return { rpc: 'updatePrimaryVersion', name };
      }
    }
    if (depth === 10) {
      if (method === 'GET' && !verb) {
        return { rpc: 'getCryptoKeyVersion', name };
      }
      if (method === 'PATCH' && !verb) {
        return { rpc: 'patchCryptoKeyVersion', name };
      }
      // Encrypt also takes a version's name.
      if (method === 'POST' && verb === 'encrypt') {
        return { rpc: 'encrypt', name };
      }
    }
    return undefined;
  }

  #answer(route: Route, body: Body, params: URLSearchParams): Response {
    switch (route.rpc) {
      case 'createKeyRing':
        return this.#createKeyRing(route.parent!, params.get('keyRingId'));
      case 'getKeyRing': {
        const ring = this.keyRings.get(route.name);
        if (!ring) throw notFound('KeyRing', route.name);
        return HttpResponse.json(ring);
      }
      case 'createCryptoKey': {
        const id = params.get('cryptoKeyId') ?? '';
        if (!this.keyRings.has(route.parent!)) {
          throw notFound('KeyRing', route.parent!);
        }
        if (!ID.test(id)) throw invalid(`Invalid crypto key id: ${id}`);
        const purpose = String(body.purpose ?? '');
        if (!purpose) throw invalid('CryptoKey.purpose is required.');
        const name = `${route.parent}/cryptoKeys/${id}`;
        if (this.#keys.has(name)) {
          throw new KmsError(409, `CryptoKey ${name} already exists.`);
        }
        return HttpResponse.json(
          this.#resource(this.#createKey(name, purpose)),
        );
      }
      case 'getCryptoKey':
        return HttpResponse.json(this.#resource(this.#key(route.name)));
      case 'updatePrimaryVersion': {
        const key = this.#key(route.name);
        const id = Number(body.cryptoKeyVersionId);
        const version = key.versions.get(id);
        if (!version) {
          throw notFound(
            'CryptoKeyVersion',
            `${key.name}/cryptoKeyVersions/${body.cryptoKeyVersionId}`,
          );
        }
        if (version.state !== 'ENABLED') throw notEnabled(version);
        key.primary = id;
        return HttpResponse.json(this.#resource(key));
      }
      case 'createCryptoKeyVersion': {
        const key = this.#key(route.parent!);
        if (key.purpose !== 'ENCRYPT_DECRYPT') {
          throw invalid('The fake creates symmetric key versions only.');
        }
        return HttpResponse.json(versionResource(this.#addVersion(key)));
      }
      case 'getCryptoKeyVersion':
        return HttpResponse.json(versionResource(this.#versionOrFail(route)));
      case 'patchCryptoKeyVersion': {
        const version = this.#versionOrFail(route);
        if (params.get('updateMask') !== 'state') {
          throw invalid('The fake updates the state only (updateMask=state).');
        }
        const state = body.state as VersionState;
        if (state !== 'ENABLED' && state !== 'DISABLED') {
          throw invalid(`Cannot set state to ${String(body.state)}.`);
        }
        if (version.state === 'DESTROYED') throw notEnabled(version);
        version.state = state;
        return HttpResponse.json(versionResource(version));
      }
      case 'encrypt':
        return this.#encrypt(route.name, body);
      case 'decrypt':
        return this.#decrypt(route.name, body);
      default:
        throw invalid(`The fake does not implement ${route.rpc}`);
    }
  }

  #createKeyRing(location: string, id: string | null): Response {
    if (!LOCATION.test(location)) throw notFound('Location', location);
    if (!id || !ID.test(id)) throw invalid(`Invalid key ring id: ${id}`);
    const name = `${location}/keyRings/${id}`;
    if (this.keyRings.has(name)) {
      throw new KmsError(409, `KeyRing ${name} already exists.`);
    }
    const ring = { name, createTime: now() };
    this.keyRings.set(name, ring);
    return HttpResponse.json(ring);
  }

  #createKey(name: string, purpose: string): FakeCryptoKey {
    if (this.#keys.has(name)) throw new Error(`Crypto key ${name} exists`);
    const key: FakeCryptoKey = {
      name,
      purpose,
      createTime: now(),
      versions: new Map(),
    };
    if (purpose === 'ENCRYPT_DECRYPT') {
      key.primary = this.#addVersion(key).id;
    }
    this.#keys.set(name, key);
    return key;
  }

  #addVersion(key: FakeCryptoKey): FakeVersion {
    const id = key.versions.size + 1;
    const version: FakeVersion = {
      name: `${key.name}/cryptoKeyVersions/${id}`,
      id,
      state: 'ENABLED',
      material: randomBytes(32),
      createTime: now(),
    };
    key.versions.set(id, version);
    return version;
  }

  #key(name: string): FakeCryptoKey {
    const key = this.#keys.get(name);
    if (!key) throw notFound('CryptoKey', name);
    return key;
  }

  #version(name: string): FakeVersion | undefined {
    const match = /^(.+)\/cryptoKeyVersions\/(\d+)$/.exec(name);
    return match
      ? this.#keys.get(match[1])?.versions.get(Number(match[2]))
      : undefined;
  }

  #versionOrFail(route: Route): FakeVersion {
    const version = this.#version(route.name);
    if (!version) throw notFound('CryptoKeyVersion', route.name);
    return version;
  }

  #resource(key: FakeCryptoKey) {
    const primary =
      key.primary === undefined ? undefined : key.versions.get(key.primary);
    return {
      name: key.name,
      purpose: key.purpose,
      createTime: key.createTime,
      ...(primary ? { primary: versionResource(primary) } : {}),
      versionTemplate: {
        protectionLevel: 'SOFTWARE',
        algorithm:
          key.purpose === 'ENCRYPT_DECRYPT'
            ? 'GOOGLE_SYMMETRIC_ENCRYPTION'
            : 'EC_SIGN_P256_SHA256',
      },
      destroyScheduledDuration: '86400s',
    };
  }

  #encrypt(name: string, body: Body): Response {
    const direct = this.#version(name);
    const keyName = direct
      ? name.replace(/\/cryptoKeyVersions\/\d+$/, '')
      : name;
    const key = this.#key(keyName);
    if (key.purpose !== 'ENCRYPT_DECRYPT') {
      throw invalid(
        `${key.name} is not a symmetric key: its purpose is ${key.purpose}.`,
      );
    }
    const version =
      direct ??
      (key.primary === undefined ? undefined : key.versions.get(key.primary));
    if (!version) {
      throw new KmsError(
        400,
        `${key.name} has no primary version.`,
        'FAILED_PRECONDITION',
      );
    }
    if (version.state !== 'ENABLED') throw notEnabled(version);
    const plaintext = bytesField(body, 'plaintext', true);
    const aad = bytesField(body, 'additionalAuthenticatedData', false);
    if (plaintext.length > MAX_PLAINTEXT) {
      throw invalid(
        `The plaintext must be no larger than ${MAX_PLAINTEXT} bytes.`,
      );
    }
    const corruption = this.#corruption('encrypt');
    checkChecksum(body, 'plaintext', plaintext, corruption);
    checkChecksum(body, 'additionalAuthenticatedData', aad, corruption);

    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', version.material, nonce);
    cipher.setAAD(boundData(key.name, aad));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(version.id);
    const ciphertext = Buffer.concat([
      header,
      nonce,
      cipher.update(plaintext),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const unverified = corruption === 'unverified-request';
    return HttpResponse.json({
      name: version.name,
      ciphertext: ciphertext.toString('base64'),
      ciphertextCrc32c: spoil(crc32c(ciphertext), corruption),
      verifiedPlaintextCrc32c:
        !unverified && body.plaintextCrc32c !== undefined,
      verifiedAdditionalAuthenticatedDataCrc32c:
        !unverified && body.additionalAuthenticatedDataCrc32c !== undefined,
      protectionLevel: 'SOFTWARE',
    });
  }

  #decrypt(name: string, body: Body): Response {
    const key = this.#key(name);
    if (key.purpose !== 'ENCRYPT_DECRYPT') {
      throw invalid(
        `${key.name} is not a symmetric key: its purpose is ${key.purpose}.`,
      );
    }
    const ciphertext = bytesField(body, 'ciphertext', true);
    const aad = bytesField(body, 'additionalAuthenticatedData', false);
    const corruption = this.#corruption('decrypt');
    checkChecksum(body, 'ciphertext', ciphertext, corruption);
    checkChecksum(body, 'additionalAuthenticatedData', aad, corruption);

    const version =
      ciphertext.length >= 4 + NONCE_BYTES + TAG_BYTES
        ? key.versions.get(ciphertext.readUInt32BE(0))
        : undefined;
    if (!version) {
      throw invalid('Decryption failed: the ciphertext is invalid.');
    }
    if (version.state !== 'ENABLED') throw notEnabled(version);
    const nonce = ciphertext.subarray(4, 4 + NONCE_BYTES);
    const tag = ciphertext.subarray(ciphertext.length - TAG_BYTES);
    const sealed = ciphertext.subarray(
      4 + NONCE_BYTES,
      ciphertext.length - TAG_BYTES,
    );
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', version.material, nonce);
      decipher.setAAD(boundData(key.name, aad));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(sealed), decipher.final()]);
    } catch {
      throw invalid(
        "Decryption failed: verify that 'name' refers to the correct CryptoKey.",
      );
    }
    return HttpResponse.json({
      plaintext: plaintext.toString('base64'),
      plaintextCrc32c: spoil(crc32c(plaintext), corruption),
      usedPrimary: key.primary === version.id,
      protectionLevel: 'SOFTWARE',
    });
  }

  #corruption(rpc: 'encrypt' | 'decrypt'): FakeKmsCorruption | undefined {
    return this.#take(this.#corruptions, c => c.rpc === rpc)?.corruption;
  }

  #take<T extends { times: number }>(
    list: T[],
    matches: (item: T) => boolean,
  ): T | undefined {
    const index = list.findIndex(matches);
    if (index < 0) return undefined;
    const item = list[index];
    item.times -= 1;
    if (item.times <= 0) list.splice(index, 1);
    return item;
  }
}
