import { decodeHeaderValue, percentEncode } from './percentDecode';

/** What Node's HTTP server hands over for these bytes: one char per byte. */
function asReceived(utf8Text: string): string {
  return Buffer.from(utf8Text, 'utf8').toString('latin1');
}

describe('decodeHeaderValue', () => {
  it.each([
    ['plain ASCII', 'com.example.order', 'com.example.order'],
    ['a two-byte character', 'Gr%C3%BCn', 'Grün'],
    ['lowercase hex digits', 'Gr%c3%bcn', 'Grün'],
    ['the spec example', 'Euro%20%E2%82%AC%20%F0%9F%98%80', 'Euro € 😀'],
    ['unnecessarily encoded ASCII', '%61%62c', 'abc'],
    ['an encoded percent sign', '100%25', '100%'],
    ['an encoded double quote', 'say %22hi%22', 'say "hi"'],
    ['a raw space (older senders)', 'hello world', 'hello world'],
    ['a quoted string', '"hello world"', 'hello world'],
    ['a quoted string with escapes', '"a \\"b\\" \\\\ c"', 'a "b" \\ c'],
    ['quoted and unquoted parts', 'x="a b";y', 'x=a b;y'],
    ['percent-encoding inside quotes', '"%C3%BC"', 'ü'],
    ['an encoded byte order mark, kept', '%EF%BB%BFx', '\uFEFFx'],
    ['an empty value', '', ''],
  ])('decodes %s', (_case, raw, expected) => {
    expect(decodeHeaderValue(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [
      '%G1',
      /invalid percent-encoding "%G1" at position 0.*send a literal "%" as %25/,
    ],
    ['abc%4', /invalid percent-encoding "%4" at position 3/],
    ['100%', /invalid percent-encoding "%" at position 3/],
    ['%FF', /not valid UTF-8.*"ü" as %C3%BC/],
    ['%C3', /not valid UTF-8/], // truncated sequence
    ['%C0%A0', /not valid UTF-8/], // overlong space, which the spec says to reject
    ['%ED%A0%80', /not valid UTF-8/], // a UTF-16 surrogate encoded as UTF-8
    [
      '"unterminated',
      /double-quoted string starting at position 0 that is not closed/,
    ],
    [
      'ok "then \\"open',
      /double-quoted string starting at position 3 that is not closed/,
    ],
  ])('rejects %j', (raw, problem) => {
    const result = decodeHeaderValue(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });

  it('rejects raw UTF-8 bytes, suggesting the encoded form', () => {
    const result = decodeHeaderValue(asReceived('Grüße'));
    expect(result).toEqual({
      ok: false,
      problem:
        'contains the byte 0xC3 at position 2, but header values must be printable ASCII, ' +
        'with other characters sent as percent-encoded UTF-8 (CloudEvents HTTP binding, ' +
        'section 3.1.3.2); it looks like unencoded UTF-8 for "Grüße": send "Gr%C3%BC%C3%9Fe"',
    });
  });

  it('rejects raw Latin-1 bytes, suggesting the encoded form', () => {
    // What a client writing Latin-1 sends for "Grüße": one byte per character.
    const result = decodeHeaderValue('Grüße');
    expect(!result.ok && result.problem).toMatch(
      /byte 0xFC at position 2.*if you meant "Grüße", send "Gr%C3%BC%C3%9Fe"/,
    );
  });

  it('rejects characters beyond Latin-1, as an SDK hands them over', () => {
    const result = decodeHeaderValue('Euro € 😀');
    expect(!result.ok && result.problem).toMatch(
      /character "€" at position 5.*send "Euro%20%E2%82%AC%20%F0%9F%98%80"/,
    );
  });

  it('rejects raw control characters', () => {
    const result = decodeHeaderValue('a\u007fb');
    expect(!result.ok && result.problem).toMatch(/byte 0x7F at position 1/);
  });

  it('leaves a tab for the attribute check, which rejects control characters', () => {
    expect(decodeHeaderValue('a\tb')).toEqual({ ok: true, value: 'a\tb' });
  });
});

describe('percentEncode', () => {
  it('encodes as the spec example says', () => {
    expect(percentEncode('Euro € 😀')).toBe('Euro%20%E2%82%AC%20%F0%9F%98%80');
  });

  it('encodes space, double quote and percent, and nothing else printable', () => {
    const printable = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) =>
      String.fromCharCode(0x20 + i),
    ).join('');
    expect(percentEncode(printable)).toBe(`%20!%22#$%25${printable.slice(6)}`);
  });

  it.each(['', 'ü', 'a b"c%d', '日本語', '😀\u0000\u007f\u0085', '"%C3%BC"'])(
    'round-trips %j through decodeHeaderValue',
    value => {
      expect(decodeHeaderValue(percentEncode(value))).toEqual({
        ok: true,
        value,
      });
    },
  );
});
