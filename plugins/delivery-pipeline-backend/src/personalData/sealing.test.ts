import {
  dataKey,
  newKeyId,
  newKeyMaterial,
  openText,
  openValue,
  SealBrokenError,
  sealText,
  sealValue,
} from './sealing';

const key = dataKey(newKeyId(), newKeyMaterial());
const TYPE = 'com.example.account.updated';

describe('sealing personal values', () => {
  it.each([
    ['a string', 'alice@example.com'],
    ['a number', 42.5],
    ['a boolean', false],
    ['an object', { street: 'Main St 1', city: 'Oslo' }],
    ['an array', ['+47 123', '+47 456']],
    ['text with any characters', 'Zoë "quoted" \u0000 ☃'],
  ])('seals and opens %s', (_, value) => {
    const sealed = sealValue(key, TYPE, value);
    expect(sealed).toMatch(new RegExp(`^pd1:${key.keyId}:[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain(JSON.stringify(value).slice(1, -1));
    expect(openValue(key, TYPE, sealed)).toEqual(value);
  });

  it('seals the same value the same way (a resent event stays identical) and different values differently', () => {
    const a = sealValue(key, TYPE, 'alice@example.com');
    expect(sealValue(key, TYPE, 'alice@example.com')).toBe(a);
    expect(sealValue(key, TYPE, 'alicE@example.com')).not.toBe(a);
    // Another key (another person, or the same after erasure) differs.
    const other = dataKey(newKeyId(), newKeyMaterial());
    expect(sealValue(other, TYPE, 'alice@example.com')).not.toBe(a);
    // So does another type: the nonce covers the context.
    const elsewhere = sealValue(key, 'com.example.other', 'alice@example.com');
    expect(elsewhere.split(':')[2].slice(0, 16)).not.toBe(
      a.split(':')[2].slice(0, 16),
    );
  });

  it('refuses a changed value instead of opening it to garbage', () => {
    const sealed = sealValue(key, TYPE, 'alice@example.com');
    const [prefix, keyId, body] = sealed.split(':');
    const bytes = Buffer.from(body, 'base64url');
    for (const at of [0, 13, bytes.length - 1]) {
      const changed = Buffer.from(bytes);
      changed[at] ^= 0x01;
      expect(() =>
        openValue(
          key,
          TYPE,
          `${prefix}:${keyId}:${changed.toString('base64url')}`,
        ),
      ).toThrow(SealBrokenError);
    }
    expect(() =>
      openValue(key, TYPE, `${prefix}:${keyId}:${body.slice(0, 20)}`),
    ).toThrow(SealBrokenError);
  });

  it('opens a value only for the type it was sealed for, with its own key', () => {
    const sealed = sealValue(key, TYPE, 'alice@example.com');
    expect(() => openValue(key, 'com.example.other', sealed)).toThrow(
      SealBrokenError,
    );
    const other = dataKey(newKeyId(), newKeyMaterial());
    expect(() => openValue(other, TYPE, sealed)).toThrow(SealBrokenError);
    // The same key id with other material (a forged key row) fails too.
    const forged = dataKey(key.keyId, newKeyMaterial());
    expect(() => openValue(forged, TYPE, sealed)).toThrow(SealBrokenError);
  });

  it('seals text for one purpose', () => {
    const sealed = sealText(key, 'failed-event', '{"id":"e-1"}');
    expect(openText(key, 'failed-event', sealed)).toBe('{"id":"e-1"}');
    expect(() => openText(key, 'subject', sealed)).toThrow(SealBrokenError);
  });
});
