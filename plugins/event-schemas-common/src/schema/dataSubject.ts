import { SchemaField } from './fieldListing';

/**
 * Whether a field path goes through an array's items (`[]`) or a map's
 * values (`{}`), where one event holds many values.
 *
 * @public
 */
export function isInArrayOrMap(path: string): boolean {
  return path.includes('[]') || path.split('.').includes('{}');
}

/**
 * Whether a field holds a string when it holds anything: `string`,
 * `string|null`, Avro's `uuid` (a logical type of string).
 *
 * @public
 */
export function isStringField(field: SchemaField): boolean {
  const types = field.type.split('|').filter(type => type !== 'null');
  return (
    types.length > 0 &&
    types.every(type => type === 'string' || type === 'uuid')
  );
}

/**
 * Whether a field can name an event type's data subject (the person an
 * event is about): a string field outside arrays and maps, since an event
 * is about one person.
 *
 * @public
 */
export function isDataSubjectCandidate(field: SchemaField): boolean {
  return isStringField(field) && !isInArrayOrMap(field.path);
}

/**
 * Whether the field at `path` lies inside the field at `parent`
 * (`user.id` inside `user`, `tracks[].id` inside `tracks`).
 *
 * @public
 */
export function isInsideField(options: {
  path: string;
  parent: string;
}): boolean {
  const { path, parent } = options;
  return (
    path.length > parent.length &&
    path.startsWith(parent) &&
    (path[parent.length] === '.' || path[parent.length] === '[')
  );
}
