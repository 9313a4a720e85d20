/**
 * The work one validation may do, metered so that no schema can make it
 * grow faster than the event. Without a schema, a validator does a bounded
 * amount of work per value of the event; a schema can multiply that: a
 * recursive definition reached through two `oneOf` branches that both fit
 * doubles the work at every level of the event (2^40 for an event nested
 * 40 deep), and a chain of `$defs` each referencing the next twice does the
 * same without recursion. Telling such schemas apart from useful recursive
 * ones (trees, linked lists) at registration is as hard as deciding the
 * ambiguity of an automaton; metering every validation is simple and sound.
 *
 * Each schema evaluated against one value costs one unit plus the value's
 * number of members or items (the work of iterating them). An event of n
 * values may spend BASE_UNITS + UNITS_PER_VALUE * n: far more than a useful
 * schema needs (a value is typically evaluated by one to a few schemas, the
 * members of a wide `oneOf` by one per branch), and at most some hundred
 * milliseconds of a stalling one.
 */

/** Units any event may spend, for schemas with wide unions at the top. */
export const BASE_UNITS = 100_000;
/** Further units per value (object, array, string, number, ...) of the event. */
export const UNITS_PER_VALUE = 20;
/**
 * Problems a validation may have gathered at any point before it stops:
 * JSON Schema validation collects every problem, and a schema can make the
 * list grow with the work (every branch of a union failing for every item).
 */
export const MAX_PROBLEMS_IN_FLIGHT = 1000;
/**
 * Deepest nesting a validator walks. Validators recurse with the event, so
 * a deeper event would exhaust the call stack; ingest and `/validate` refuse
 * events far shallower than this (64 levels by default).
 */
export const MAX_VALIDATION_DEPTH = 256;

/** Thrown inside a validation that has to stop; says why. */
export class ValidationStopped extends Error {
  name = 'ValidationStopped' as const;
}

// Validation is synchronous, so one meter serves every validator: it is
// armed for one call at a time by withValidationBudget.
let remaining = Infinity;
let budget = Infinity;

/** Charges work to the validation under way; throws when it is spent. */
export function spendValidationWork(units: number): void {
  remaining -= units;
  if (remaining < 0) {
    throw new ValidationStopped(
      `Validation stopped: the schema needed more than ${budget} steps for this event, more than its size justifies. A schema whose validation grows faster than the event (such as recursion through oneOf/anyOf/allOf branches that overlap) cannot validate it; make the branches exclusive (for example with a required discriminating property)`,
    );
  }
}

/** Stops a validation that has gathered too many problems to keep. */
export function checkProblemsInFlight(count: number): void {
  if (count > MAX_PROBLEMS_IN_FLIGHT) {
    throw new ValidationStopped(
      `Validation stopped after more than ${MAX_PROBLEMS_IN_FLIGHT} problems; fix the first ones and validate again`,
    );
  }
}

/** Runs a validation with the budget an event of `values` values has. */
export function withValidationBudget<T>(options: {
  values: number;
  run: () => T;
}): T {
  const saved = { remaining, budget };
  budget = BASE_UNITS + UNITS_PER_VALUE * options.values;
  remaining = budget;
  try {
    return options.run();
  } finally {
    ({ remaining, budget } = saved);
  }
}

/** What a validation unit costs for one value: itself and its members. */
export function workOf(value: unknown): number {
  if (Array.isArray(value)) {
    return 1 + value.length;
  }
  if (value !== null && typeof value === 'object') {
    return 1 + Object.keys(value).length;
  }
  return 1;
}

/**
 * The number of values in a parsed JSON value (itself included) and the
 * nesting of its objects and arrays (0 for a scalar, 1 for `{}`, 2 for
 * `{"a": []}`), as ingest counts it. Stops at the first object or array
 * deeper than `maxDepth`: `depth` is then `maxDepth + 1`. Iterative, so a deep value cannot exhaust
 * the call stack while being measured.
 *
 * @public
 */
export function measureValue(options: { value: unknown; maxDepth: number }): {
  values: number;
  depth: number;
} {
  const { maxDepth } = options;
  // On ingest's path for every event: only objects and arrays go on the
  // stack (their depths beside them), scalars are counted where found.
  const stack: object[] = [];
  const depths: number[] = [];
  let values = 1;
  let deepest = 0;
  if (options.value !== null && typeof options.value === 'object') {
    stack.push(options.value);
    depths.push(1);
  }
  while (stack.length > 0) {
    const value = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) {
      return { values, depth };
    }
    if (depth > deepest) deepest = depth;
    for (const child of Object.values(value)) {
      values++;
      if (child !== null && typeof child === 'object') {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return { values, depth: deepest };
}
