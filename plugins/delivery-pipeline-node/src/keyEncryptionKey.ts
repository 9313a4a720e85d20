/**
 * A secret wrapped by a {@link KeyEncryptionKey}, with the id of the key
 * (version) that wrapped it.
 *
 * @public
 */
export type WrappedSecret = {
  keyId: string;
  wrapped: Buffer;
};

/**
 * The root of the personal data keychain: it wraps the keychain's secret,
 * which in turn wraps every data subject's key. Locally a key in a file;
 * in production a key management service (Cloud KMS in the GCP module),
 * so that the database alone never reveals a key. It is called when a
 * backend starts and when the key rotates, never per event.
 *
 * @public
 */
export interface KeyEncryptionKey {
  /**
   * The id of the key (version) that {@link KeyEncryptionKey.wrap} uses now,
   * such as a Cloud KMS key version name. The keychain rewraps a secret
   * wrapped under any other id: that is how a rotation takes effect,
   * without touching a single event.
   */
  primaryKeyId(): Promise<string>;
  /** Encrypts a secret with the primary key (an authenticated cipher). */
  wrap(secret: Buffer): Promise<WrappedSecret>;
  /**
   * Decrypts what {@link KeyEncryptionKey.wrap} returned, with the key
   * (version) it names, as long as that key is kept. Rejects when the
   * wrapped bytes were changed.
   */
  unwrap(secret: WrappedSecret): Promise<Buffer>;
}
