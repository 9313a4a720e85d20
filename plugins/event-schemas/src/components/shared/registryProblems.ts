/** One problem of a registry 400: the request field it names, and what. */
export type RegistryProblem = {
  /** A dotted request path (`owner`, `retention.raw`, `tags`); absent for the request as a whole. */
  path?: string;
  text: string;
};

// `path: message`, with a dotted request path (`retention.raw`, `tags.2`).
const PROBLEM = /^([A-Za-z]\w*(?:\.\w+)*): ([\s\S]*)$/;
const WHOLE_REQUEST_PROBLEM = /^unknown fields? /;
const LIST_ITEM = /^(tags|personalDataFields)\.(\d+)$/;

/**
 * The problems of a registry 400 as its request parser writes them,
 * `Invalid <what>: owner: must be ...; tags.1: must be ...`, or as its own
 * checks do, one field and a message that may hold `; ` itself
 * (`personalDataFields: 'x' is not a field of the schema; its fields are...`,
 * `dataSubject: required when personalDataFields is set: ...`).
 * A part without a path continues the previous message, unless it is about
 * the request as a whole (`unknown field 'colour'`). A list item's problem
 * is the list's, naming the item: `tags`, `'Mobile': must be ...`.
 */
export function readRegistryProblems(
  message: string,
  request: { tags?: string[]; personalDataFields?: string[] } = {},
): RegistryProblem[] {
  const listed = /^Invalid [\w ]+: ([\s\S]*)$/.exec(message);
  const parts: string[] = [];
  if (!listed) {
    parts.push(message);
  } else {
    for (const part of listed[1].split('; ')) {
      const continues =
        !PROBLEM.test(part) && !WHOLE_REQUEST_PROBLEM.test(part);
      if (parts.length > 0 && continues) {
        parts[parts.length - 1] += `; ${part}`;
      } else {
        parts.push(part);
      }
    }
  }
  return parts.map(part => {
    const match = PROBLEM.exec(part);
    if (!match) return { text: part };
    const [, path, text] = match;
    const item = LIST_ITEM.exec(path);
    if (!item) return { path, text };
    const list = item[1] as 'tags' | 'personalDataFields';
    const value = request[list]?.[Number(item[2])];
    return {
      path: list,
      text: value === undefined ? text : `'${value}': ${text}`,
    };
  });
}
