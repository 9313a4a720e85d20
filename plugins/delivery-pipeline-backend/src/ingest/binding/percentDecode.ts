/**
 * Header values in binary mode, per section 3.1.3.2 of the CloudEvents
 * HTTP binding: printable ASCII on the wire, with double-quoted strings
 * (accepted for older senders) and `%XX`-encoded UTF-8 bytes for everything
 * else.
 *
 * Node hands header values over as latin1: each byte on the wire becomes
 * one UTF-16 code unit 0x00-0xFF. So a code unit above 0x7E is a raw
 * non-ASCII byte, which the binding does not allow; we reject it rather
 * than guess its encoding, and say what the sender should have sent.
 */

export type HeaderDecoding =
  | { ok: true; value: string }
  | { ok: false; problem: string };

// ignoreBOM keeps a leading U+FEFF: in an attribute value it is text.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const NOT_PRINTABLE_ASCII = /[^\t\x20-\x7e]/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * Decodes a `ce-*` header value to the attribute's string. On failure,
 * `problem` completes a sentence that starts with the header name.
 */
export function decodeHeaderValue(raw: string): HeaderDecoding {
  const bad = NOT_PRINTABLE_ASCII.exec(raw);
  if (bad) return { ok: false, problem: describeRawCharacter(raw, bad.index) };

  let value = raw;
  if (value.includes('"')) {
    const unquoted = unquote(value);
    if (!unquoted.ok) return unquoted;
    value = unquoted.value;
  }
  return value.includes('%') ? percentDecode(value) : { ok: true, value };
}

/**
 * Percent-encodes a string for a header value as the binding says senders
 * must: space, `"`, `%` and everything outside U+0021-U+007E become the
 * `%XX` of their UTF-8 bytes. Used in error messages and tests.
 */
export function percentEncode(value: string): string {
  let encoded = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== '%') {
      encoded += char;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) {
        encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
    }
  }
  return encoded;
}

const HOW_TO_ENCODE =
  'header values must be printable ASCII, with other characters sent as ' +
  'percent-encoded UTF-8 (CloudEvents HTTP binding, section 3.1.3.2)';

function describeRawCharacter(raw: string, index: number): string {
  const code = raw.charCodeAt(index);
  if (code <= 0xff) {
    // Bytes from the wire. If they are UTF-8, the sender most likely wrote
    // the text without encoding it; otherwise it was probably Latin-1.
    // Either way, show the encoded form of what they meant.
    const asUtf8 = decodeUtf8(Buffer.from(raw, 'latin1'));
    const meant = JSON.stringify(asUtf8 ?? raw);
    const send = JSON.stringify(percentEncode(asUtf8 ?? raw));
    const suggestion =
      asUtf8 === undefined
        ? `if you meant ${meant}, send ${send}`
        : `it looks like unencoded UTF-8 for ${meant}: send ${send}`;
    const byte = `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    return `contains the byte ${byte} at position ${index}, but ${HOW_TO_ENCODE}; ${suggestion}`;
  }
  // Not from Node (which never yields code units above 0xFF), e.g. a test
  // passing an SDK's headers straight in: the value is already text.
  const char = JSON.stringify(String.fromCodePoint(raw.codePointAt(index)!));
  const send = JSON.stringify(percentEncode(raw));
  return `contains the character ${char} at position ${index}, but ${HOW_TO_ENCODE}: send ${send}`;
}

/** Removes RFC 9110 quoted-strings' quotes and backslash escapes. */
function unquote(value: string): HeaderDecoding {
  let result = '';
  let i = 0;
  while (i < value.length) {
    const quoteStart = value.indexOf('"', i);
    if (quoteStart < 0) {
      result += value.slice(i);
      break;
    }
    result += value.slice(i, quoteStart);
    i = quoteStart + 1;
    for (;;) {
      if (i >= value.length) {
        return {
          ok: false,
          problem:
            `has a double-quoted string starting at position ${quoteStart} that is not closed; ` +
            'percent-encode a literal double quote as %22',
        };
      }
      const char = value[i++];
      if (char === '"') break;
      result += char === '\\' && i < value.length ? value[i++] : char;
    }
  }
  return { ok: true, value: result };
}

function percentDecode(value: string): HeaderDecoding {
  const bytes = Buffer.allocUnsafe(value.length);
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code !== 0x25 /* % */) {
      bytes[length++] = code; // ASCII: checked by decodeHeaderValue
      continue;
    }
    const pair = value.slice(i + 1, i + 3);
    if (!HEX_PAIR.test(pair)) {
      const sequence = JSON.stringify(value.slice(i, i + 3));
      return {
        ok: false,
        problem:
          `has an invalid percent-encoding ${sequence} at position ${i}: "%" must be ` +
          'followed by two hexadecimal digits (send a literal "%" as %25)',
      };
    }
    bytes[length++] = parseInt(pair, 16);
    i += 2;
  }
  const decoded = decodeUtf8(bytes.subarray(0, length));
  if (decoded === undefined) {
    return {
      ok: false,
      problem:
        'percent-decodes to bytes that are not valid UTF-8; percent-encode the UTF-8 bytes of ' +
        'each character, e.g. "ü" as %C3%BC',
    };
  }
  return { ok: true, value: decoded };
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
