import { BindingError } from './BindingError';

// fatal: invalid UTF-8 is an error, not silently replaced with U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; a 400 if it is not UTF-8, which JSON requires (RFC 8259). */
export function decodeBody(body: Uint8Array): string {
  try {
    return utf8.decode(body);
  } catch {
    const offset = firstInvalidUtf8Offset(Buffer.from(body));
    const where =
      offset === undefined
        ? ''
        : ` (the byte 0x${body[offset]
            .toString(16)
            .toUpperCase()
            .padStart(2, '0')} ` + `at offset ${offset} does not fit)`;
    throw new BindingError(
      400,
      `The request body is not valid UTF-8${where}: JSON must be sent as UTF-8, ` +
        'check the encoding the producer writes text in',
    );
  }
}

/**
 * Where decoding failed, found on the error path only: Node's lossy
 * decoder puts U+FFFD where a bad sequence starts, and a U+FFFD that was
 * really in the body (bytes EF BF BD) is skipped.
 */
function firstInvalidUtf8Offset(body: Buffer): number | undefined {
  const lossy = body.toString('utf8');
  let offset = 0;
  let from = 0;
  for (;;) {
    const replacement = lossy.indexOf('\uFFFD', from);
    if (replacement < 0) return undefined;
    offset += Buffer.byteLength(lossy.slice(from, replacement));
    const genuine =
      body[offset] === 0xef &&
      body[offset + 1] === 0xbf &&
      body[offset + 2] === 0xbd;
    if (!genuine) return offset;
    offset += 3;
    from = replacement + 1;
  }
}

/** JSON.parse, with a syntax error turned into a 400 that says where. */
export function parseJson(text: string, what: string, hint = ''): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BindingError(
      400,
      `${what} is not valid JSON: ${(error as Error).message}${hint}`,
    );
  }
}

/** Whether the text is empty or only JSON whitespace. */
export function isBlank(text: string): boolean {
  return !/[^ \t\n\r]/.test(text);
}
