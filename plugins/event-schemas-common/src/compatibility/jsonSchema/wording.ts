import { Bound, JsonType, typeCovered } from './shape';

/**
 * Which way a subset check runs. `backward`: is every value valid under the
 * old schema valid under the new one (the old schema is the subset side).
 * `forward`: the reverse.
 */
export type Direction = 'backward' | 'forward';

/** A value in the old schema and in the new one. */
export type Change<T> = { oldValue: T; newValue: T };

/**
 * Messages describe what changed from the old schema to the new one,
 * whichever side of the subset check each is on, so that a FULL check reads
 * naturally in both directions.
 */
export class Wording {
  constructor(readonly direction: Direction) {}

  /** The subset side: the schema whose values must all stay valid. */
  get sub(): 'old' | 'new' {
    return this.direction === 'backward' ? 'old' : 'new';
  }

  /** The superset side: the schema that must accept them. */
  get sup(): 'old' | 'new' {
    return this.direction === 'backward' ? 'new' : 'old';
  }

  /** The change, given the subset side's value and the superset side's. */
  oldNew<T>(subValue: T, supValue: T): Change<T> {
    return this.direction === 'backward'
      ? { oldValue: subValue, newValue: supValue }
      : { oldValue: supValue, newValue: subValue };
  }

  /** Text for a change backward checks catch, or its forward counterpart. */
  pick(backward: string, forward: string): string {
    return this.direction === 'backward' ? backward : forward;
  }
}

/** `lowered from 200 to 100`, `added (100)`, `removed (was 100)`. */
export function describeLimit(change: Change<number | undefined>): string {
  const { oldValue, newValue } = change;
  if (oldValue === undefined) {
    return `added (${newValue})`;
  }
  if (newValue === undefined) {
    return `removed (was ${oldValue})`;
  }
  return `${
    newValue > oldValue ? 'raised' : 'lowered'
  } from ${oldValue} to ${newValue}`;
}

/** `lower bound raised from >= 0 to > 0`, `upper bound added (<= 100)`, ... */
export function describeBound(
  options: Change<Bound | undefined> & { side: 'lower' | 'upper' },
): string {
  const { oldValue, newValue, side } = options;
  const format = (bound: Bound) =>
    `${side === 'lower' ? '>' : '<'}${bound.exclusive ? '' : '='} ${
      bound.value
    }`;
  if (!oldValue) {
    return `${side} bound added (${format(newValue!)})`;
  }
  if (!newValue) {
    return `${side} bound removed (was ${format(oldValue)})`;
  }
  let verb = 'changed';
  if (newValue.value !== oldValue.value) {
    verb = newValue.value > oldValue.value ? 'raised' : 'lowered';
  }
  return `${side} bound ${verb} from ${format(oldValue)} to ${format(
    newValue,
  )}`;
}

/** `added ('^a')`, `removed (was '^a')`, `changed from '^a' to '^b'`. */
export function describeChange(change: Change<string | undefined>): string {
  const { oldValue, newValue } = change;
  if (oldValue === undefined) {
    return `added ('${newValue}')`;
  }
  if (newValue === undefined) {
    return `removed (was '${oldValue}')`;
  }
  return `changed from '${oldValue}' to '${newValue}'`;
}

/** `type narrowed from number to integer`, `type restricted to string`, ... */
export function describeTypeChange(
  change: Change<JsonType[] | undefined>,
): string {
  const { oldValue, newValue } = change;
  if (!oldValue) {
    return `type restricted to ${newValue!.join('|')} (was any type)`;
  }
  if (!newValue) {
    return `type constraint removed (was ${oldValue.join('|')})`;
  }
  const narrowed = newValue.every(type => typeCovered({ type, by: oldValue }));
  const widened = oldValue.every(type => typeCovered({ type, by: newValue }));
  let verb = 'changed';
  if (narrowed !== widened) {
    verb = narrowed ? 'narrowed' : 'widened';
  }
  return `type ${verb} from ${oldValue.join('|')} to ${newValue.join('|')}`;
}
