import { Budget } from './budget';
import {
  ALL_TYPES,
  Bound,
  Shape,
  intersectTypes,
  mergeShapes,
  propertySchemas,
  shapeOf,
} from './shape';
import { conformsTo } from './values';

// Discriminators nest rarely; a few levels cover `{type: {const: ...}}`.
const MAX_DEPTH = 4;

/**
 * Whether no value is valid under both shapes, as far as can be proven:
 * different types, disjoint enums, disjoint numeric ranges, or a required
 * property whose values are disjoint (a discriminator). False means "not
 * proven", not "they overlap".
 */
export function provablyDisjoint(options: {
  budget: Budget;
  a: Shape;
  b: Shape;
  depth?: number;
}): boolean {
  const { budget, a, b, depth = 0 } = options;
  if (a.never || b.never) {
    return true;
  }
  if (depth > MAX_DEPTH) {
    return false;
  }
  const common = intersectTypes([a.types ?? ALL_TYPES, b.types ?? ALL_TYPES])!;
  if (common.length === 0) {
    return true;
  }
  const rejectsAll = (values: unknown[] | undefined, shape: Shape) =>
    values !== undefined &&
    values.every(value => conformsTo({ budget, value, shape }) === false);
  if (rejectsAll(a.values, b) || rejectsAll(b.values, a)) {
    return true;
  }
  if (common.every(type => type === 'number' || type === 'integer')) {
    if (below(a.upper, b.lower) || below(b.upper, a.lower)) {
      return true;
    }
  }
  if (common.every(type => type === 'object')) {
    const shared = a.required.filter(name => b.required.includes(name));
    return shared.some(name =>
      provablyDisjoint({
        budget,
        a: propertyShape(a, name),
        b: propertyShape(b, name),
        depth: depth + 1,
      }),
    );
  }
  return false;
}

function propertyShape(shape: Shape, name: string): Shape {
  return mergeShapes(
    shape.objects
      .flatMap(part => propertySchemas({ part, name }))
      .map(({ node }) => shapeOf(node)),
  );
}

// Whether every value under `upper` is below every value above `lower`.
function below(upper?: Bound, lower?: Bound): boolean {
  if (!upper || !lower) {
    return false;
  }
  return (
    upper.value < lower.value ||
    (upper.value === lower.value && (upper.exclusive || lower.exclusive))
  );
}
