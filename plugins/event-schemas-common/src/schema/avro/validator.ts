import { Type, types } from 'avsc';
import { describeKind } from '../json';
import { escapePointerSegment } from '../jsonSchema/pointer';
import {
  checkProblemsInFlight,
  spendValidationWork,
  workOf,
} from '../validationWork';
import { unqualify } from './names';

const MAX_LONG = 2 ** 63;

/**
 * Checks an event given as natural JSON against an Avro schema, collecting
 * an error per path (`/user/id: expected string, got a number`). Messages
 * say what kind of value was found, never the value: see describeKind.
 *
 * Walks the avsc types itself rather than calling avsc's `isValid`, because
 * avsc validates its in-memory representation, not JSON:
 * - `bytes` and `fixed` must be Buffers there; here they are strings, as the
 *   Avro JSON encoding writes them: one character per byte (code points 0 to
 *   255), and for `fixed` exactly `size` of them.
 * - avsc's unwrapped unions refuse schemas whose branches share a JSON shape
 *   (two records, int and long) and its wrapped ones want `{"type": value}`;
 *   here a union value is the plain value, valid if any branch accepts it;
 *   branches are tried in order and the first that accepts it ends the
 *   search.
 * - `long` accepts any integral number up to 2^63, not only JavaScript's safe
 *   integers: the JSON producer may well hold a real 64-bit long.
 * Leaves whose JSON form is avsc's own (int, float, double, string, boolean,
 * null, enum) are checked with avsc's `isValid`. A missing record field is
 * accepted when the field has a default (the encoder writes the default);
 * fields the schema does not declare are errors, as they would be lost.
 * Every value checked is metered (see validationWork): two recursive
 * records of the same shape in one union would otherwise double the work
 * at every level of an event that fits neither.
 */
export function createAvroValidator(options: { type: Type }) {
  const { type } = options;
  return (data: unknown) => {
    const errors: string[] = [];
    check(type, data, '', errors);
    return { valid: errors.length === 0, errors };
  };
}

function check(
  type: Type,
  value: unknown,
  path: string,
  errors: string[],
): void {
  spendValidationWork(workOf(value));
  checkProblemsInFlight(errors.length);
  const fail = (expected: string) =>
    errors.push(
      `${path || '/'}: expected ${expected}, got ${describeKind(value)}`,
    );
  switch (type.typeName) {
    case 'union:unwrapped':
    case 'union:wrapped':
      checkUnion(type as types.UnwrappedUnionType, value, path, errors);
      return;
    case 'record':
    case 'error':
      checkRecord(type as types.RecordType, value, path, errors);
      return;
    case 'array':
      if (!Array.isArray(value)) {
        fail(label(type));
        return;
      }
      value.forEach((item, index) =>
        check(
          (type as types.ArrayType).itemsType,
          item,
          `${path}/${index}`,
          errors,
        ),
      );
      return;
    case 'map':
      if (!isPlainObject(value)) {
        fail(label(type));
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        check(
          (type as types.MapType).valuesType as Type,
          item,
          `${path}/${escapePointerSegment(key)}`,
          errors,
        );
      }
      return;
    case 'long':
      if (!(Number.isInteger(value) && Math.abs(value as number) < MAX_LONG)) {
        fail('long');
      }
      return;
    case 'bytes':
      if (!isByteString(value)) {
        fail('bytes (a string of characters \\u0000 to \\u00ff)');
      }
      return;
    case 'fixed': {
      const size = (type as types.FixedType).size;
      if (!isByteString(value) || value.length !== size) {
        fail(
          `${label(type)} (a string of ${size} characters \\u0000 to \\u00ff)`,
        );
      }
      return;
    }
    case 'enum':
      if (!type.isValid(value)) {
        const symbols = (type as types.EnumType).symbols;
        fail(
          `a symbol of ${label(type)} (${symbols.slice(0, 10).join(', ')}${
            symbols.length > 10 ? ', ...' : ''
          })`,
        );
      }
      return;
    default:
      if (!type.isValid(value)) {
        fail(label(type));
      }
  }
}

function checkUnion(
  union: types.UnwrappedUnionType,
  value: unknown,
  path: string,
  errors: string[],
): void {
  const attempts: Array<{ branch: Type; errors: string[] }> = [];
  for (const branch of union.types) {
    const branchErrors: string[] = [];
    check(branch, value, path, branchErrors);
    if (branchErrors.length === 0) {
      return;
    }
    attempts.push({ branch, errors: branchErrors });
  }
  // When one branch has the value's JSON shape (an object for the one
  // record), its errors say more than "expected null|User".
  const sameShape = attempts.filter(attempt =>
    fitsShape(attempt.branch, value),
  );
  if (sameShape.length === 1) {
    errors.push(...sameShape[0].errors);
  } else {
    errors.push(
      `${path || '/'}: expected ${label(union)}, got ${describeKind(value)}`,
    );
  }
}

function checkRecord(
  record: types.RecordType,
  value: unknown,
  path: string,
  errors: string[],
): void {
  if (!isPlainObject(value)) {
    errors.push(
      `${path || '/'}: expected ${label(record)}, got ${describeKind(value)}`,
    );
    return;
  }
  const declared = new Set<string>();
  for (const field of record.fields) {
    declared.add(field.name);
    const fieldPath = `${path}/${escapePointerSegment(field.name)}`;
    const fieldValue = value[field.name];
    if (fieldValue === undefined) {
      if (field.defaultValue() === undefined) {
        errors.push(`${fieldPath}: missing, and the field has no default`);
      }
      continue;
    }
    check(field.type, fieldValue, fieldPath, errors);
  }
  for (const key of Object.keys(value)) {
    if (!declared.has(key)) {
      errors.push(
        `${path}/${escapePointerSegment(key)}: field not declared in ${label(
          record,
        )}`,
      );
    }
  }
}

function fitsShape(type: Type, value: unknown): boolean {
  switch (type.typeName) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    default:
      return isPlainObject(value);
  }
}

/** How a type reads in a message: `string`, `record User`, `null|string`. */
export function label(type: Type): string {
  if (type.typeName.startsWith('union')) {
    return (type as types.UnwrappedUnionType).types.map(label).join('|');
  }
  if (type.name !== undefined) {
    return `${type.typeName} ${unqualify(type.name)}`;
  }
  if (type.typeName === 'array') {
    return `array<${label((type as types.ArrayType).itemsType)}>`;
  }
  if (type.typeName === 'map') {
    return `map<${label((type as types.MapType).valuesType as Type)}>`;
  }
  return type.typeName;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isByteString(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && /^[\u0000-\u00ff]*$/.test(value);
}
