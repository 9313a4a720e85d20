import { RE2JS } from 're2js';

/**
 * JSON Schema regular expressions, run by RE2 (re2js, its pure JavaScript
 * port) instead of the backtracking RegExp: RE2 matches in time linear in
 * the input, whatever the pattern, so no `pattern` or `patternProperties`
 * can stall validation. re2js rather than the native `re2` bindings because
 * this package also runs in the browser, where the same schemas are checked,
 * and because it needs no compiler on a cold CI machine.
 *
 * RE2 has no backreferences or lookaround (they are what makes matching
 * exponential); patterns using them are refused at registration.
 */

/**
 * The pattern in RE2's syntax. ECMA-262, which JSON Schema specifies, writes
 * a code point `\uXXXX` or `\u{X...}`; RE2 writes it `\x{X...}`. Everything
 * else that both accept means the same in both.
 */
export function toRe2Syntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const rest = pattern.slice(i + 1);
    const braced = /^u\{([0-9a-fA-F]{1,6})\}/.exec(rest);
    const plain = /^u([0-9a-fA-F]{4})/.exec(rest);
    const escape = braced ?? plain;
    if (escape) {
      out += `\\x{${escape[1]}}`;
      i += escape[0].length;
    } else {
      // Any other escape is two characters; copying both keeps `\\u0041`
      // (an escaped backslash, then "u0041") as it is.
      out += pattern.slice(i, i + 2);
      i += 1;
    }
  }
  return out;
}

/**
 * What Ajv needs of a compiled regular expression. Ajv caches compiled
 * patterns by `toString()`, so it must tell patterns apart.
 */
export type LinearRegExp = {
  test(input: string): boolean;
  toString(): string;
};

/**
 * Compiles a JSON Schema pattern with RE2. Ajv calls it with the flag `u`,
 * the only one JSON Schema patterns have, whose meaning is RE2's default.
 * Throws when RE2 cannot compile the pattern.
 */
export function compileLinearRegExp(pattern: string): LinearRegExp {
  const compiled = RE2JS.compile(toRe2Syntax(pattern));
  return {
    test: input => compiled.test(input),
    toString: () => `/${pattern}/u`,
  };
}

/**
 * Why RE2 cannot run a pattern, completing "pattern '...' ", or undefined
 * when it can.
 */
export function linearRegExpProblem(pattern: string): string | undefined {
  try {
    compileLinearRegExp(pattern);
    return undefined;
  } catch (error) {
    const message = (error as Error).message.replace(
      /^error parsing regexp: /,
      '',
    );
    return `cannot run in linear time (${message}): RE2, the engine patterns run on, has no backreferences or lookaround (matching them can take exponential time) and writes Unicode classes as \\p{L} or \\p{Greek}; rewrite the pattern without them`;
  }
}
