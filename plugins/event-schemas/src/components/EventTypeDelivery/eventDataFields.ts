/** One value of an event's data, with where it is. */
export type EventDataField = {
  /** `user.email`, `contacts[0].email`; empty for data that is not an object. */
  path: string;
  value: unknown;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The values of an event's `data`, one per leaf, in the order they came:
 * objects and arrays of objects are opened (`user.email`,
 * `contacts[0].email`), arrays of plain values stay whole. The data
 * subject's path (`user_id`, never inside an array) reads the same here.
 */
export function eventDataFields(data: unknown): EventDataField[] {
  const fields: EventDataField[] = [];
  const visit = (value: unknown, path: string): void => {
    if (
      Array.isArray(value) &&
      value.some(item => typeof item === 'object' && item !== null)
    ) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
    } else if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, item] of Object.entries(value)) {
        visit(item, path ? `${path}.${key}` : key);
      }
    } else {
      fields.push({ path, value });
    }
  };
  visit(data, '');
  return fields;
}
