import { Budget } from './budget';
import { SchemaNode } from './nodes';
import { Wording } from './wording';

/**
 * Where a comparison is: the schema path, how many properties or items deep,
 * and how many times the subset side was split into alternatives since the
 * last property or item.
 */
export type Location = { path: string; depth: number; splits: number };

/** One reason the subset side is not a subset: where, and why. */
export type Problem = { path: string; text: string };

/** What the keyword checks need from the checker that runs them. */
export interface Comparison {
  readonly words: Wording;
  readonly budget: Budget;
  /** Why not every value valid under all of `subset` is valid under `superset`. */
  nodes(options: {
    subset: SchemaNode[];
    superset: SchemaNode;
    at: Location;
  }): Problem[];
}

/** A problem at `at`, or at a keyword under it. */
export function problem(options: {
  at: Location;
  keyword?: string;
  text: string;
}): Problem {
  const { at, keyword = '', text } = options;
  return { path: at.path + keyword || '/', text };
}

/** The location of a property's or item's schema under `at`. */
export function deeper(options: { at: Location; keyword: string }): Location {
  const { at, keyword } = options;
  return { path: at.path + keyword, depth: at.depth + 1, splits: 0 };
}

export function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** The smallest of the defined numbers, undefined when none is. */
export function smallest(
  values: Array<number | undefined>,
): number | undefined {
  const defined = values.filter(isDefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}
