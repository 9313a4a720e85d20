/**
 * A structural pre-scan of JSON text: nesting depth and, for a top-level
 * array, where each element starts and ends.
 *
 * It exists because V8's JSON.parse is iterative: it builds a million-deep
 * array without complaint (and without hurry: about 15 ms per 100,000
 * levels), after which any recursive operation, JSON.stringify included,
 * overflows the stack. Scanning first lets us refuse deep events before
 * parsing them at all, and gives the exact text of each batch element,
 * which is what a failed-events store should keep for a rejected one.
 *
 * Only strings and brackets (and commas of a top-level array) are looked
 * at: JSON.parse still validates everything else. The scan is iterative and
 * costs about a third of a JSON.parse of the same text.
 */

/** One element of a top-level array: `text.slice(start, end)` is its text, maybe with surrounding whitespace. */
export type ElementSpan = {
  start: number;
  end: number;
  /** Nesting of the element itself: 0 for a scalar, 1 for `{}`, 2 for `{"a":[]}`. */
  depth: number;
};

export type JsonStructure =
  | {
      ok: true;
      /** Deepest nesting in the whole text: 0 for a scalar, 1 for `{}` or `[]`. */
      depth: number;
      /** For a top-level array, its elements (none for `[]`); otherwise undefined. */
      elements?: ElementSpan[];
    }
  | {
      ok: false;
      /** Why the text cannot be JSON, completing "The body is not valid JSON: ". */
      problem: string;
    };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const NOT_WHITESPACE = /[^ \t\n\r]/g;

export function scanJsonStructure(text: string): JsonStructure {
  NOT_WHITESPACE.lastIndex = 0;
  const first = NOT_WHITESPACE.exec(text)?.index ?? text.length;
  const isArray = text.charCodeAt(first) === OPEN_ARRAY;
  const elements: ElementSpan[] | undefined = isArray ? [] : undefined;

  // open[d] is the bracket that opened level d + 1, so a mismatched close
  // is caught here rather than mistaken for the end of an element.
  let open = new Uint8Array(64);
  let depth = 0;
  let maxDepth = 0;
  let elementStart = 0;
  let elementMaxDepth = 0;
  let i = first;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = endOfString(text, i);
      if (end < 0) {
        return {
          ok: false,
          problem: `the string starting at position ${i} is not closed`,
        };
      }
      i = end;
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (depth === open.length) {
        const grown = new Uint8Array(open.length * 2);
        grown.set(open);
        open = grown;
      }
      open[depth++] = code;
      if (depth > maxDepth) maxDepth = depth;
      if (depth > elementMaxDepth) elementMaxDepth = depth;
      if (isArray && depth === 1) {
        elementStart = i + 1;
        elementMaxDepth = 1;
      }
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      const expected = code === CLOSE_ARRAY ? OPEN_ARRAY : OPEN_OBJECT;
      if (depth === 0 || open[depth - 1] !== expected) {
        let what = 'nothing';
        if (depth > 0) {
          what = open[depth - 1] === OPEN_ARRAY ? 'an array' : 'an object';
        }
        return {
          ok: false,
          problem: `"${text[i]}" at position ${i} closes ${what}`,
        };
      }
      depth--;
      if (depth === 0) {
        if (elements)
          pushLastElement(text, elements, elementStart, i, elementMaxDepth - 1);
        break;
      }
    } else if (code === COMMA && elements && depth === 1) {
      elements.push({
        start: elementStart,
        end: i,
        depth: elementMaxDepth - 1,
      });
      elementStart = i + 1;
      elementMaxDepth = 1;
    }
  }

  if (depth > 0) {
    return {
      ok: false,
      problem: `it ends before ${depth} open arrays or objects are closed`,
    };
  }
  // After a top-level array or object, only whitespace may follow. (After a
  // scalar the loop ran to the end; JSON.parse judges the scalar.)
  NOT_WHITESPACE.lastIndex = i + 1;
  const trailing = i < text.length ? NOT_WHITESPACE.exec(text) : null;
  if (trailing) {
    return {
      ok: false,
      problem: `unexpected text after the end of the JSON value at position ${trailing.index}`,
    };
  }
  return { ok: true, depth: maxDepth, elements };
}

/** Adds the last element, unless the array is `[]` (one blank "element"). */
function pushLastElement(
  text: string,
  elements: ElementSpan[],
  start: number,
  end: number,
  depth: number,
) {
  if (elements.length === 0 && !/[^ \t\n\r]/.test(text.slice(start, end))) {
    return;
  }
  elements.push({ start, end, depth });
}

/** Index of the quote that closes the string opened at `start`, or -1. */
function endOfString(text: string, start: number): number {
  let quote = start;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote < 0) return -1;
    // Escaped if preceded by an odd number of backslashes.
    let backslash = quote - 1;
    while (text.charCodeAt(backslash) === BACKSLASH) backslash--;
    if ((quote - 1 - backslash) % 2 === 0) return quote;
  }
}
