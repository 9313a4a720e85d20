/**
 * What a reader sees in place of a personal value they may not read
 * (without {@link personalDataReadPermission}).
 *
 * @public
 */
export const MASKED_VALUE = '[masked]';

/**
 * What every reader sees in place of a personal value whose data subject was
 * erased: the key it was encrypted with no longer exists.
 *
 * @public
 */
export const ERASED_VALUE = '[erased]';

/**
 * What every reader sees in place of a personal value that fails
 * authentication: it was changed after ingest encrypted it.
 *
 * @public
 */
export const UNREADABLE_VALUE = '[unreadable]';

/**
 * How a response shows an event type's personal data: in clear for readers
 * with the personal-data permission, masked for everyone else.
 *
 * @public
 */
export type PersonalDataView = {
  /** Dotted paths under `data` that hold personal data, the subject's included. */
  fields: string[];
  /** The path of the data subject's field, when the type names one. */
  dataSubject?: string;
  /**
   * `clear`: personal values are decrypted (erased ones read
   * {@link ERASED_VALUE}); `masked`: they read {@link MASKED_VALUE}, and
   * the data subject's field shows its pseudonym.
   */
  access: 'clear' | 'masked';
};

/**
 * The receipt of an erasure (`DELETE /data-subjects/{subject}`). Asking
 * again answers with the same receipt, unless new data of the person
 * arrived in between.
 *
 * @public
 */
export type DataSubjectErasure = {
  /** The data subject as given: the clear id, e.g. a user id. */
  subject: string;
  /** ISO 8601 time of the erasure. */
  erasedAt: string;
  /** The person's keys deleted: their personal data is unreadable everywhere. */
  keysDeleted: number;
  /** Their failed events deleted. */
  failedEventsDeleted: number;
  /** Whether events about them are refused from now on (not collected). */
  suppressed: boolean;
};

/**
 * How a personal value is stored: `pd1:<keyId>:<sealed>`, where `keyId` names
 * the data subject's key and `sealed` is base64url of the AES-256-GCM nonce,
 * ciphertext and tag of the value's JSON. Always a string, whatever the
 * value's type in the schema.
 *
 * @public
 */
export const CIPHERTEXT_PREFIX = 'pd1:';

/**
 * How the data subject's field is stored: `ps1:<keyId>`, the id of the
 * person's key. Stable for a person across event types until they are
 * erased, so consumers can count and join per person without the clear id.
 *
 * @public
 */
export const PSEUDONYM_PREFIX = 'ps1:';

const KEY_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * The key id and sealed bytes of a stored personal value, or `undefined`
 * when `value` is not one.
 *
 * @public
 */
export function parseCiphertext(
  value: unknown,
): { keyId: string; sealed: string } | undefined {
  if (typeof value !== 'string' || !value.startsWith(CIPHERTEXT_PREFIX)) {
    return undefined;
  }
  const separator = value.indexOf(':', CIPHERTEXT_PREFIX.length);
  if (separator < 0) return undefined;
  const keyId = value.slice(CIPHERTEXT_PREFIX.length, separator);
  return KEY_ID.test(keyId)
    ? { keyId, sealed: value.slice(separator + 1) }
    : undefined;
}

/**
 * The key id a pseudonym names, or `undefined` when `value` is not one.
 *
 * @public
 */
export function parsePseudonym(value: unknown): { keyId: string } | undefined {
  if (typeof value !== 'string' || !value.startsWith(PSEUDONYM_PREFIX)) {
    return undefined;
  }
  const keyId = value.slice(PSEUDONYM_PREFIX.length);
  return KEY_ID.test(keyId) ? { keyId } : undefined;
}

/**
 * One step of a field path: a named member, each item of an array, or each
 * value of a map.
 *
 * @public
 */
export type FieldPathStep = { property: string } | 'items' | 'values';

/**
 * The steps of a field path as the registry lists them: `user.email`,
 * `tracks[].id` (each item of an array), `attributes.{}.name` (each value of
 * a map).
 *
 * @public
 */
export function parseFieldPath(path: string): FieldPathStep[] {
  const steps: FieldPathStep[] = [];
  for (const segment of path.split('.')) {
    if (segment === '{}') {
      steps.push('values');
      continue;
    }
    let name = segment;
    let items = 0;
    while (name.endsWith('[]')) {
      name = name.slice(0, -2);
      items += 1;
    }
    if (name) steps.push({ property: name });
    for (let i = 0; i < items; i++) steps.push('items');
  }
  return steps;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Replaces, in place, every value that a field path reaches in `data`
 * (one value, or one per array item or map value on the way); absent and
 * `null` values are left alone. Returns how many were replaced.
 *
 * @public
 */
export function replaceFieldValues(
  data: unknown,
  path: string,
  replace: (value: unknown) => unknown,
): number {
  const { steps, members } = compiledFieldPath(path);
  if (steps.length === 0) return 0;
  if (members) {
    // The common case, on ingest's path for every event: member after
    // member, without a closure per call.
    let holder: unknown = data;
    const last = members.length - 1;
    for (let i = 0; i < last; i++) holder = ownMember(holder, members[i]);
    const value = ownMember(holder, members[last]);
    if (value === undefined || value === null) return 0;
    (holder as Record<string, unknown>)[members[last]] = replace(value);
    return 1;
  }
  let replaced = 0;
  const visit = (container: unknown, depth: number): void => {
    const step = steps[depth];
    const last = depth === steps.length - 1;
    const at = (holder: Record<string, unknown> | unknown[], key: any) => {
      const value = (holder as any)[key];
      if (value === undefined || value === null) return;
      if (last) {
        (holder as any)[key] = replace(value);
        replaced += 1;
      } else {
        visit(value, depth + 1);
      }
    };
    if (step === 'items') {
      if (Array.isArray(container)) {
        for (let i = 0; i < container.length; i++) at(container, i);
      }
    } else if (step === 'values') {
      if (isObject(container)) {
        for (const key of Object.keys(container)) at(container, key);
      }
    } else if (
      isObject(container) &&
      Object.prototype.hasOwnProperty.call(container, step.property)
    ) {
      at(container, step.property);
    }
  };
  if (steps.length > 0) visit(data, 0);
  return replaced;
}

type CompiledFieldPath = {
  steps: FieldPathStep[];
  /** The member names, when every step is one (no array or map). */
  members?: string[];
};

/** Parsed paths: a type has a handful, used for every one of its events. */
const compiledPaths = new Map<string, CompiledFieldPath>();

function compiledFieldPath(path: string): CompiledFieldPath {
  let compiled = compiledPaths.get(path);
  if (!compiled) {
    const steps = parseFieldPath(path);
    compiled = {
      steps,
      members: steps.every(step => typeof step === 'object')
        ? steps.map(step => (step as { property: string }).property)
        : undefined,
    };
    if (compiledPaths.size >= 10_000) compiledPaths.clear();
    compiledPaths.set(path, compiled);
  }
  return compiled;
}

/** An object's own member, or `undefined` (never an inherited one). */
function ownMember(holder: unknown, name: string): unknown {
  return isObject(holder) && Object.prototype.hasOwnProperty.call(holder, name)
    ? holder[name]
    : undefined;
}

/**
 * The value at a field path that reaches at most one value (no array or
 * map on the way), such as the data subject's; `undefined` when absent.
 *
 * @public
 */
export function readFieldValue(data: unknown, path: string): unknown {
  const { members } = compiledFieldPath(path);
  if (!members) return undefined;
  let value: unknown = data;
  for (const name of members) {
    value = ownMember(value, name);
    if (value === undefined) return undefined;
  }
  return value;
}

/**
 * Replaces, in place, every scalar (string, number, boolean) under
 * `holder[key]`, in objects and arrays at any depth; `null` is left alone.
 * For values whose place no field path gives: sealed values wherever they
 * are, a payload masked whole.
 *
 * @public
 */
export function replaceLeaves(
  holder: Record<string, unknown> | unknown[],
  key: string | number,
  replace: (value: unknown) => unknown,
): void {
  const value = (holder as any)[key];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) replaceLeaves(value, i, replace);
  } else if (typeof value === 'object' && value !== null) {
    for (const name of Object.keys(value)) {
      replaceLeaves(value as Record<string, unknown>, name, replace);
    }
  } else if (value !== undefined && value !== null) {
    (holder as any)[key] = replace(value);
  }
}
