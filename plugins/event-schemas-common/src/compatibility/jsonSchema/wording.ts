import { Bound, JsonType, typeCovered } from './shape';

/**
 * Which way a subset check runs. `backward`: is every value valid under the
 * old schema valid under the new one (the old schema is the subset side).
 * `forward`: the reverse.
 */
export type Direction = 'backward' | 'forward';

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

  /** [old, new], given the subset side's value and the superset side's. */
  oldNew<T>(subValue: T, supValue: T): [T, T] {
    return this.direction === 'backward'
      ? [subValue, supValue]
      : [supValue, subValue];
  }

  /** Text for a change backward checks catch, or its forward counterpart. */
  pick(backward: string, forward: string): string {
    return this.direction === 'backward' ? backward : forward;
  }
}

/** `lowered from 200 to 100`, `added (100)`, `removed (was 100)`. */
export function describeLimit(oldValue?: number, newValue?: number): string {
  if (oldValue === undefined) {
    return `added (${newValue})`;
  }
  if (newValue === undefined) {
    return `removed (was ${oldValue})`;
  }
  return `${newValue > oldValue ? 'raised' : 'lowered'} from ${oldValue} to ${newValue}`;
}

function formatBound(bound: Bound, side: 'lower' | 'upper'): string {
  const operator = side === 'lower' ? '>' : '<';
  return `${operator}${bound.exclusive ? '' : '='} ${bound.value}`;
}

/** `raised from >= 0 to > 0`, `added (<= 100)`, ... */
export function describeBound(
  side: 'lower' | 'upper',
  oldBound?: Bound,
  newBound?: Bound,
): string {
  if (!oldBound) {
    return `${side} bound added (${formatBound(newBound!, side)})`;
  }
  if (!newBound) {
    return `${side} bound removed (was ${formatBound(oldBound, side)})`;
  }
  const verb =
    newBound.value === oldBound.value
      ? 'changed'
      : newBound.value > oldBound.value
        ? 'raised'
        : 'lowered';
  return `${side} bound ${verb} from ${formatBound(oldBound, side)} to ${formatBound(newBound, side)}`;
}

/** `added ('^a')`, `removed (was '^a')`, `changed from '^a' to '^b'`. */
export function describeChange(oldValue?: string, newValue?: string): string {
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
  oldTypes?: JsonType[],
  newTypes?: JsonType[],
): string {
  if (!oldTypes) {
    return `type restricted to ${newTypes!.join('|')} (was any type)`;
  }
  if (!newTypes) {
    return `type constraint removed (was ${oldTypes.join('|')})`;
  }
  const narrowed = newTypes.every(type => typeCovered({ type, by: oldTypes }));
  const widened = oldTypes.every(type => typeCovered({ type, by: newTypes }));
  const verb =
    narrowed && !widened ? 'narrowed' : widened && !narrowed ? 'widened' : 'changed';
  return `type ${verb} from ${oldTypes.join('|')} to ${newTypes.join('|')}`;
}
