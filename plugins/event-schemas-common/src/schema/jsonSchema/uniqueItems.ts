import type { ErrorObject, SchemaValidateFunction } from 'ajv/dist/types';
import { spendValidationWork } from '../validationWork';

/**
 * `uniqueItems` in linear time. Ajv compares every pair of items that are
 * objects or arrays, which is quadratic: a 256 KiB event of 85,000 empty
 * objects is 3.6 billion comparisons. Here each item is written once in a
 * canonical form (keys sorted, so that key order does not matter, as JSON
 * Schema's equality says) and looked up in a map.
 */
export const uniqueItems: SchemaValidateFunction = (
  schema: boolean,
  data: unknown,
) => {
  uniqueItems.errors = undefined;
  if (!schema || !Array.isArray(data)) {
    return true;
  }
  const seen = new Map<string, number>();
  let written = 0;
  try {
    for (let j = 0; j < data.length; j++) {
      const key = canonicalJson(data[j]);
      written += key.length;
      const i = seen.get(key);
      if (i !== undefined) {
        uniqueItems.errors = [duplicate(i, j)];
        return false;
      }
      seen.set(key, j);
    }
    return true;
  } finally {
    // Writing costs as much as the items are long: metered as such.
    spendValidationWork(Math.ceil(written / 16));
  }
};

function duplicate(i: number, j: number): Partial<ErrorObject> {
  return {
    keyword: 'uniqueItems',
    params: { i, j },
    // Worded as Ajv words it, the later item first.
    message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
  };
}

/** JSON with object keys sorted; the value's depth is bounded before. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map(key => `${JSON.stringify(key)}:${canonicalJson(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
