import {
  parseCiphertext,
  parsePseudonym,
  readFieldValue,
  replaceFieldValues,
  replaceLeaves,
} from './personalData';

const KEY_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('personal data values', () => {
  it('reads the key id of ciphertexts and pseudonyms, and nothing else', () => {
    expect(parseCiphertext(`pd1:${KEY_ID}:abc-_`)).toEqual({
      keyId: KEY_ID,
      sealed: 'abc-_',
    });
    expect(parsePseudonym(`ps1:${KEY_ID}`)).toEqual({ keyId: KEY_ID });
    for (const value of [
      'alice@example.com',
      `pd1:${KEY_ID}`,
      'pd1:short:abc',
      `ps1:${KEY_ID}x`,
      42,
      null,
      { keyId: KEY_ID },
    ]) {
      expect(parseCiphertext(value)).toBeUndefined();
      expect(parsePseudonym(value)).toBeUndefined();
    }
  });
});

describe('replaceFieldValues', () => {
  const mark = (value: unknown) => `<${JSON.stringify(value)}>`;

  it('replaces top-level and nested fields, whatever their type', () => {
    const data = {
      user_id: 'u-1',
      user: { email: 'a@b.c', age: 42, address: { city: 'Oslo' } },
      track: 't-1',
    };
    expect(replaceFieldValues(data, 'user_id', mark)).toBe(1);
    expect(replaceFieldValues(data, 'user.age', mark)).toBe(1);
    expect(replaceFieldValues(data, 'user.address', mark)).toBe(1);
    expect(data).toEqual({
      user_id: '<"u-1">',
      user: { email: 'a@b.c', age: '<42>', address: '<{"city":"Oslo"}>' },
      track: 't-1',
    });
  });

  it('replaces the field in every array item and map value', () => {
    const data = {
      contacts: [{ email: 'a@x' }, { phone: '1' }, { email: 'b@x' }, null],
      attributes: { home: { name: 'A' }, work: { name: 'B' } },
      nested: [[{ id: 'x' }], [{ id: 'y' }]],
    };
    expect(replaceFieldValues(data, 'contacts[].email', mark)).toBe(2);
    expect(replaceFieldValues(data, 'attributes.{}.name', mark)).toBe(2);
    expect(replaceFieldValues(data, 'nested[][].id', mark)).toBe(2);
    expect(data.contacts).toEqual([
      { email: '<"a@x">' },
      { phone: '1' },
      { email: '<"b@x">' },
      null,
    ]);
    expect(data.attributes).toEqual({
      home: { name: '<"A">' },
      work: { name: '<"B">' },
    });
    expect(data.nested).toEqual([[{ id: '<"x">' }], [{ id: '<"y">' }]]);
  });

  it('leaves absent, null and mistyped values alone', () => {
    const data = {
      a: null,
      b: 'not an object',
      c: { d: undefined },
      e: ['x'],
    } as Record<string, unknown>;
    for (const path of ['a', 'b.x', 'c.d', 'e[].x', 'missing', 'b[].x']) {
      expect(replaceFieldValues(data, path, mark)).toBe(0);
    }
    expect(replaceFieldValues('text', 'a', mark)).toBe(0);
    expect(data).toEqual({
      a: null,
      b: 'not an object',
      c: { d: undefined },
      e: ['x'],
    });
  });

  it('does not follow inherited properties', () => {
    const data = JSON.parse('{"user":{}}');
    expect(replaceFieldValues(data, 'user.constructor', mark)).toBe(0);
    expect(replaceFieldValues(data, '__proto__', mark)).toBe(0);
    expect(readFieldValue(data, 'user.constructor')).toBeUndefined();
  });
});

describe('readFieldValue', () => {
  it('reads a single value by its dotted path', () => {
    const data = { user: { id: 'u-1' }, tags: ['a'] };
    expect(readFieldValue(data, 'user.id')).toBe('u-1');
    expect(readFieldValue(data, 'user')).toEqual({ id: 'u-1' });
    expect(readFieldValue(data, 'user.name')).toBeUndefined();
    expect(readFieldValue(data, 'tags[].x')).toBeUndefined();
    expect(readFieldValue(null, 'user')).toBeUndefined();
  });
});

describe('replaceLeaves', () => {
  it('replaces every scalar at any depth, leaving null and the structure', () => {
    const event = {
      id: 'e-1',
      data: { a: 'x', b: [1, { c: true, d: null }], e: {} },
    };
    replaceLeaves(event, 'data', value => `<${String(value)}>`);
    expect(event).toEqual({
      id: 'e-1',
      data: { a: '<x>', b: ['<1>', { c: '<true>', d: null }], e: {} },
    });
    const holder: Record<string, unknown> = { text: 'plain' };
    replaceLeaves(holder, 'text', () => 'masked');
    replaceLeaves(holder, 'absent', () => 'never');
    expect(holder).toEqual({ text: 'masked' });
  });
});
