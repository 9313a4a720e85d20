import { setupServer } from 'msw/node';
import { randomBytes } from 'node:crypto';
import { FakeKms } from '../__testUtils__/fakeKms';
import { testAuthClient, TEST_ACCESS_TOKEN } from '../__testUtils__/testAuth';
import { CloudKmsKeyEncryptionKey } from './CloudKmsKeyEncryptionKey';
import { crc32c } from './crc32c';

const RING = 'projects/acme/locations/europe/keyRings/delivery-pipeline';
const KEY = `${RING}/cryptoKeys/personal-data`;
const ENDPOINT = 'https://cloudkms.googleapis.com';

describe('CloudKmsKeyEncryptionKey', () => {
  let kms: FakeKms;
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  beforeEach(() => {
    kms = new FakeKms();
    kms.createKey(KEY);
    server.resetHandlers(...kms.handlers());
  });

  const kek = (keyName = KEY) =>
    new CloudKmsKeyEncryptionKey({ keyName, authClient: testAuthClient() });

  it('wraps with the primary version and unwraps what it wrapped', async () => {
    const secret = randomBytes(32);

    await expect(kek().primaryKeyId()).resolves.toBe(
      `${KEY}/cryptoKeyVersions/1`,
    );
    const wrapped = await kek().wrap(secret);

    expect(wrapped.keyId).toBe(`${KEY}/cryptoKeyVersions/1`);
    expect(wrapped.wrapped.includes(secret)).toBe(false);
    await expect(kek().unwrap(wrapped)).resolves.toEqual(secret);
    expect(kms.calls.map(c => c.rpc)).toEqual([
      'getCryptoKey',
      'encrypt',
      'decrypt',
    ]);
  });

  it('follows a rotation: a new primary version, while secrets wrapped under older ones still unwrap', async () => {
    const secret = randomBytes(32);
    const underVersion1 = await kek().wrap(secret);

    const version2 = kms.rotate(KEY);

    await expect(kek().primaryKeyId()).resolves.toBe(version2);
    await expect(kek().unwrap(underVersion1)).resolves.toEqual(secret);
    const rewrapped = await kek().wrap(secret);
    expect(rewrapped.keyId).toBe(version2);
    await expect(kek().unwrap(rewrapped)).resolves.toEqual(secret);
  });

  it('refuses a wrapped secret that was changed, or made for another use', async () => {
    const wrapped = await kek().wrap(randomBytes(32));
    const tampered = Buffer.from(wrapped.wrapped);
    tampered[tampered.length - 1] ^= 1;

    await expect(
      kek().unwrap({ keyId: wrapped.keyId, wrapped: tampered }),
    ).rejects.toThrow(
      `Cloud KMS could not unwrap the keychain secret wrapped under ${KEY}/cryptoKeyVersions/1 (Decryption failed: verify that 'name' refers to the correct CryptoKey.): it was changed since it was wrapped, or was not wrapped by this pipeline's keychain`,
    );

    // The same key, the same secret, but other additional authenticated
    // data: what another application sharing the key would have made.
    const response = await fetch(`${ENDPOINT}/v1/${KEY}:encrypt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ACCESS_TOKEN}` },
      body: JSON.stringify({
        plaintext: randomBytes(32).toString('base64'),
        additionalAuthenticatedData:
          Buffer.from('other use').toString('base64'),
      }),
    });
    const { name, ciphertext } = await response.json();
    await expect(
      kek().unwrap({ keyId: name, wrapped: Buffer.from(ciphertext, 'base64') }),
    ).rejects.toThrow('was not wrapped by this pipeline');
  });

  it('unwraps with the key its id names, so a change of keyName keeps older secrets readable', async () => {
    const secret = randomBytes(32);
    const wrapped = await kek().wrap(secret);
    const newKey = `${RING}/cryptoKeys/personal-data-2`;
    kms.createKey(newKey);

    await expect(kek(newKey).unwrap(wrapped)).resolves.toEqual(secret);
    expect(kms.calls.at(-1)).toEqual({ rpc: 'decrypt', name: KEY });
  });

  it('says what to do about a missing key or a denied permission', async () => {
    const missing = `${RING}/cryptoKeys/nope`;
    await expect(kek(missing).primaryKeyId()).rejects.toThrow(
      `Cloud KMS key ${missing} was not found (CryptoKey ${missing} not found.). deliveryPipeline.gcp.kms.keyName must name an existing key: projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>`,
    );

    kms.deny('cloudkms.cryptoKeys.get');
    await expect(kek().primaryKeyId()).rejects.toThrow(
      `This backend's Google identity may not read Cloud KMS key ${KEY} (Permission 'cloudkms.cryptoKeys.get' denied on resource '${KEY}' (or it may not exist).). Grant it roles/cloudkms.viewer on the key`,
    );
    kms.deny('cloudkms.cryptoKeyVersions.useToEncrypt');
    await expect(kek().wrap(randomBytes(32))).rejects.toThrow(
      `This backend's Google identity may not encrypt with Cloud KMS key ${KEY} (Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource '${KEY}' (or it may not exist).). Grant it roles/cloudkms.cryptoKeyEncrypterDecrypter on the key`,
    );

    kms.allow();
    const wrapped = await kek().wrap(randomBytes(32));
    kms.deny('cloudkms.cryptoKeyVersions.useToDecrypt');
    await expect(kek().unwrap(wrapped)).rejects.toThrow(
      'may not decrypt with Cloud KMS key',
    );
  });

  it('refuses a key it cannot wrap with, and a version that was disabled', async () => {
    const signing = `${RING}/cryptoKeys/signing`;
    kms.createKey(signing, 'ASYMMETRIC_SIGN');
    await expect(kek(signing).primaryKeyId()).rejects.toThrow(
      `Cloud KMS key ${signing} has purpose ASYMMETRIC_SIGN; the personal data keychain needs a symmetric key (purpose ENCRYPT_DECRYPT)`,
    );

    const wrapped = await kek().wrap(randomBytes(32));
    kms.setVersionState(`${KEY}/cryptoKeyVersions/1`, 'DISABLED');
    await expect(kek().primaryKeyId()).rejects.toThrow(
      `The primary version of Cloud KMS key ${KEY}, ${KEY}/cryptoKeyVersions/1, is DISABLED: enable it or make an enabled version primary`,
    );
    await expect(kek().unwrap(wrapped)).rejects.toThrow(
      `Cloud KMS cannot decrypt with key ${KEY} (${KEY}/cryptoKeyVersions/1 is not enabled, current state is: DISABLED.): enable the key version again; a destroyed one cannot be`,
    );
  });

  it('checks the CRC32C checksums both ways, and tries again a few times when they do not match', async () => {
    const secret = randomBytes(32);
    kms.corruptNext('encrypt', 'response-checksum');
    kms.corruptNext('encrypt', 'unverified-request');
    kms.corruptNext('decrypt', 'request-checksum');
    kms.corruptNext('decrypt', 'response-checksum');

    const wrapped = await kek().wrap(secret);
    await expect(kek().unwrap(wrapped)).resolves.toEqual(secret);
    expect(kms.calls.map(c => c.rpc)).toEqual([
      'encrypt',
      'encrypt',
      'encrypt',
      'decrypt',
      'decrypt',
      'decrypt',
    ]);

    kms.corruptNext('decrypt', 'response-checksum', 3);
    await expect(kek().unwrap(wrapped)).rejects.toThrow(
      `Could not unwrap the keychain secret with Cloud KMS key ${KEY}: the plaintext does not match its checksum, in 3 attempts; data is corrupted between this backend and Cloud KMS`,
    );
    kms.corruptNext('encrypt', 'request-checksum', 3);
    await expect(kek().wrap(secret)).rejects.toThrow(
      'The checksum in field plaintext_crc32c did not match the data in field plaintext., in 3 attempts',
    );
  });

  it('retries what Cloud KMS could not answer for now', async () => {
    kms.failNext('getCryptoKey', { status: 503 });
    kms.failNext('encrypt', { status: 429 });

    await expect(kek().primaryKeyId()).resolves.toBe(
      `${KEY}/cryptoKeyVersions/1`,
    );
    await expect(kek().wrap(randomBytes(32))).resolves.toMatchObject({
      keyId: `${KEY}/cryptoKeyVersions/1`,
    });
  });

  it('refuses a key name that is not a crypto key, and ids of other key-encryption keys', async () => {
    expect(() => kek(`${KEY}/cryptoKeyVersions/1`)).toThrow(
      `Not a Cloud KMS CryptoKey name: '${KEY}/cryptoKeyVersions/1'; expected projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>`,
    );
    await expect(
      kek().unwrap({ keyId: 'file:1', wrapped: randomBytes(60) }),
    ).rejects.toThrow(
      "The keychain secret was wrapped under 'file:1', which is not a Cloud KMS key version: another key-encryption key wrapped it",
    );
  });
});

describe('crc32c', () => {
  it('is the Castagnoli CRC Cloud KMS uses', () => {
    // The check value of CRC-32C (RFC 3720, appendix B.4).
    expect(crc32c(Buffer.from('123456789'))).toBe(String(0xe3069283));
    expect(crc32c(Buffer.alloc(0))).toBe('0');
  });
});
