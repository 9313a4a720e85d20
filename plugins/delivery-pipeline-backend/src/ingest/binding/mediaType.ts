/**
 * A parsed `Content-Type` value (RFC 9110 section 8.3.1). Type, subtype and
 * parameter names are lowercased, since they are case-insensitive.
 */
export type MediaType = {
  type: string;
  subtype: string;
  parameters: Record<string, string>;
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function isOws(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

/** Parses a media type such as `application/json; charset=utf-8`; undefined if malformed. */
export function parseMediaType(value: string): MediaType | undefined {
  const semicolon = value.indexOf(';');
  const essence = (semicolon < 0 ? value : value.slice(0, semicolon)).trim();
  const slash = essence.indexOf('/');
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (slash < 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) {
    return undefined;
  }

  const parameters: Record<string, string> = {};
  let i = semicolon < 0 ? value.length : semicolon;
  while (i < value.length) {
    // Here value[i] is ';'. Empty parameters (`a/b;;c=d`, `a/b;`) are
    // tolerated, as most parsers do.
    i++;
    while (isOws(value[i])) i++;
    if (i >= value.length || value[i] === ';') continue;

    const equals = value.indexOf('=', i);
    if (equals < 0) return undefined;
    const name = value.slice(i, equals).toLowerCase();
    if (!TOKEN.test(name)) return undefined;
    i = equals + 1;

    let parameterValue = '';
    if (value[i] === '"') {
      // quoted-string: backslash escapes the next character.
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\') i++;
        parameterValue += value[i] ?? '';
        i++;
      }
      if (i >= value.length) return undefined;
      i++;
    } else {
      const end = value.indexOf(';', i);
      parameterValue = value.slice(i, end < 0 ? value.length : end).trimEnd();
      if (!TOKEN.test(parameterValue)) return undefined;
      i += parameterValue.length;
    }
    while (isOws(value[i])) i++;
    if (i < value.length && value[i] !== ';') return undefined;
    parameters[name] = parameterValue;
  }
  return {
    type: type.toLowerCase(),
    subtype: subtype.toLowerCase(),
    parameters,
  };
}

/**
 * Whether the media type declares JSON content: subtype `json` or a
 * `+json` suffix (`*\/json`, `*\/*+json`), as the CloudEvents JSON format
 * defines it.
 */
export function isJsonMediaType(mediaType: MediaType): boolean {
  return mediaType.subtype === 'json' || mediaType.subtype.endsWith('+json');
}

/** Whether the charset parameter, if any, names UTF-8. */
export function isUtf8Charset(mediaType: MediaType): boolean {
  const charset = mediaType.parameters.charset?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
