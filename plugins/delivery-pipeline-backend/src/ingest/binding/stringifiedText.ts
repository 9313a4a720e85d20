/**
 * Reuses an event's own text as its JSON when that text is already exactly
 * what `JSON.stringify(JSON.parse(text))` would give, sparing ingest a
 * second serialization of every unchanged event.
 *
 * Why "exactly": the stored line must stay byte-identical to the
 * serialized form. The deduper reads lines without parsing them and relies
 * on JSON.stringify's output (scanLine.ts: unescaped, unrepeated member
 * names), and it tells a resend from a conflict by a hash of the line's
 * text, so two spellings of one event (spaces, `\u0041` for `A`, `1.0` for
 * `1`) must still make one line. A line may hold no line break either.
 *
 * So the text is reused only when it has no whitespace outside strings, no
 * escape but the short ones JSON.stringify writes (`\"`, `\\`, `\b`, `\f`,
 * `\n`, `\r`, `\t`), only numbers in JavaScript's own spelling, no member
 * name that starts with a digit (V8 puts integer-like names first, so
 * their order could change) and no member name twice in an object (of at
 * most 64 members: a larger one is not compared). Anything
 * else is serialized as before: the check is conservative, never wrong.
 *
 * The text must be valid JSON (JSON.parse accepted it): only the spelling is
 * checked here.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MINUS = 0x2d;
const COMMA = 0x2c;
const LETTER_A = 0x61;
const LETTER_Z = 0x7a;

/** Most member names of one object compared for repeats. */
const MAX_NAMES = 64;

/** A number token: JSON.parse has validated it, so just its extent. */
const NUMBER_TOKEN = /-?[0-9][0-9.eE+-]*/y;

/**
 * `text.slice(start, end)` without surrounding whitespace when it is what
 * JSON.stringify makes of its parse; otherwise undefined.
 */
export function stringifiedText(
  text: string,
  start: number,
  end: number,
): string | undefined {
  while (start < end && isWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
  // Its own string (V8 shares the characters), so that searches stop at
  // its end rather than run through the rest of a large batch.
  const event = text.slice(start, end);
  return isStringified(event) ? event : undefined;
}

function isStringified(text: string): boolean {
  // The member names of each open object (undefined for an open array),
  // to refuse a repeated name: JSON.parse keeps only the last. Compared
  // one by one, so an object of more names is left to JSON.stringify, which
  // keeps the work linear.
  const names: Array<string[] | undefined> = [];
  let backslash = text.indexOf('\\');
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      if (backslash >= 0 && backslash < i) backslash = text.indexOf('\\', i);
      const close = closingQuote(text, i, backslash);
      if (close < 0) return false;
      if (text.charCodeAt(close + 1) === COLON) {
        const first = text.charCodeAt(i + 1);
        if (first >= DIGIT_0 && first <= DIGIT_9) return false;
        const open = names[names.length - 1];
        const name = text.slice(i + 1, close);
        if (!open || open.length === MAX_NAMES || open.includes(name)) {
          return false;
        }
        open.push(name);
        i = close + 2;
      } else {
        i = close + 1;
      }
    } else if (code === MINUS || (code >= DIGIT_0 && code <= DIGIT_9)) {
      NUMBER_TOKEN.lastIndex = i;
      NUMBER_TOKEN.exec(text);
      const token = text.slice(i, NUMBER_TOKEN.lastIndex);
      if (String(Number(token)) !== token) return false;
      i = NUMBER_TOKEN.lastIndex;
    } else if (code === OPEN_OBJECT) {
      names.push([]);
      i++;
    } else if (code === OPEN_ARRAY) {
      names.push(undefined);
      i++;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      names.pop();
      i++;
    } else if (code === COMMA || (code >= LETTER_A && code <= LETTER_Z)) {
      // A separator, or a letter of true, false or null.
      i++;
    } else {
      // Whitespace, or anything else JSON.stringify would not write here.
      return false;
    }
  }
  return true;
}

/**
 * Index of the quote closing the string opened at `open`, or -1 when the
 * string holds an escape JSON.stringify would not write. `backslash` is
 * the first backslash at or after `open` (-1 for none), so text without
 * escapes, the usual case, costs one indexOf per string.
 */
function closingQuote(text: string, open: number, backslash: number): number {
  let i = open + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return -1;
    if (backslash < 0 || backslash > quote) return quote;
    if (!isShortEscape(text.charCodeAt(backslash + 1))) return -1;
    i = backslash + 2;
    backslash = text.indexOf('\\', i);
  }
}

/** The escapes JSON.stringify writes for themselves: `" \ b f n r t`. */
function isShortEscape(code: number): boolean {
  switch (code) {
    case 0x22:
    case 0x5c:
    case 0x62:
    case 0x66:
    case 0x6e:
    case 0x72:
    case 0x74:
      return true;
    default:
      return false;
  }
}

function isWhitespace(code: number): boolean {
  return code === SPACE || code === NEWLINE || code === RETURN || code === TAB;
}
