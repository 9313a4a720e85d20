import { jsonEqual } from '../../schema/json';
import { Budget } from './budget';
import { formatCheck } from './formats';
import { SchemaNode } from './nodes';
import {
  JsonType,
  Shape,
  propertySchemas,
  shapeOf,
  typeCovered,
} from './shape';

/** Three-valued: undefined when the engine cannot tell. */
type Verdict = boolean | undefined;

// Deeper than any sensible schema recurses for one value; only a schema that
// applies itself to the same value forever gets here.
const MAX_DEPTH = 100;

function all(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(false)) {
    return false;
  }
  return verdicts.includes(undefined) ? undefined : true;
}

function some(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(true)) {
    return true;
  }
  return verdicts.includes(undefined) ? undefined : false;
}

function exactlyOne(verdicts: Verdict[]): Verdict {
  const matches = verdicts.filter(verdict => verdict === true).length;
  if (matches > 1) {
    return false;
  }
  if (verdicts.includes(undefined)) {
    return undefined;
  }
  return matches === 1;
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value as JsonType;
}

/**
 * Whether a value is valid under a shape, the way Ajv would decide. Used
 * where a schema is finite (enum, const, booleans) and for property names:
 * checking each value settles what structure alone cannot.
 */
export function conformsTo(options: {
  budget: Budget;
  value: unknown;
  shape: Shape;
}): Verdict {
  const { budget, value, shape } = options;
  budget.tick();
  if (shape.never) {
    return false;
  }
  if (
    shape.types &&
    !typeCovered({ type: jsonTypeOf(value), by: shape.types })
  ) {
    return false;
  }
  if (
    shape.values &&
    !shape.values.some(allowed => jsonEqual(allowed, value))
  ) {
    return false;
  }
  const nodeVerdict = (item: unknown, node: SchemaNode) =>
    conformsToNode({ budget, value: item, node });
  const verdicts: Verdict[] = [];
  if (typeof value === 'number') {
    verdicts.push(numberConforms(value, shape));
  } else if (typeof value === 'string') {
    verdicts.push(stringConforms(value, shape));
  } else if (Array.isArray(value)) {
    verdicts.push(arrayConforms(value, shape, nodeVerdict));
  } else if (value !== null && typeof value === 'object') {
    verdicts.push(
      objectConforms(value as Record<string, unknown>, shape, nodeVerdict),
    );
  }
  for (const group of shape.anyOf) {
    verdicts.push(some(group.map(node => nodeVerdict(value, node))));
  }
  for (const group of shape.oneOf) {
    verdicts.push(exactlyOne(group.map(node => nodeVerdict(value, node))));
  }
  for (const node of shape.not) {
    const result = nodeVerdict(value, node);
    verdicts.push(result === undefined ? undefined : !result);
  }
  for (const conditional of shape.conditionals) {
    const condition = nodeVerdict(value, conditional.if);
    if (condition === undefined) {
      verdicts.push(undefined);
    } else {
      verdicts.push(
        nodeVerdict(value, condition ? conditional.then : conditional.else),
      );
    }
  }
  if (shape.unsupported.length > 0) {
    verdicts.push(undefined);
  }
  return all(verdicts);
}

function conformsToNode(options: {
  budget: Budget;
  value: unknown;
  node: SchemaNode;
}): Verdict {
  const { budget } = options;
  if (budget.depth > MAX_DEPTH) {
    return undefined;
  }
  budget.depth += 1;
  try {
    return conformsTo({ ...options, shape: shapeOf(options.node) });
  } finally {
    budget.depth -= 1;
  }
}

function numberConforms(value: number, shape: Shape): Verdict {
  const { lower, upper } = shape;
  if (
    lower &&
    (value < lower.value || (lower.exclusive && value === lower.value))
  ) {
    return false;
  }
  if (
    upper &&
    (value > upper.value || (upper.exclusive && value === upper.value))
  ) {
    return false;
  }
  return (
    shape.multipleOf.every(divisor => isMultiple({ value, divisor })) &&
    shape.formats.every(format => {
      const check = formatCheck(format);
      return check?.type !== 'number' || check.test(value);
    })
  );
}

/** Whether `value` is an integral multiple of `divisor`, within rounding. */
export function isMultiple(options: {
  value: number;
  divisor: number;
}): boolean {
  const { value, divisor } = options;
  const quotient = value / divisor;
  return Math.abs(quotient - Math.round(quotient)) < 1e-9;
}

function stringConforms(value: string, shape: Shape): Verdict {
  // JSON Schema counts characters as code points, as Ajv does.
  const length = [...value].length;
  if (
    length < shape.minLength ||
    (shape.maxLength !== undefined && length > shape.maxLength)
  ) {
    return false;
  }
  if (!shape.patterns.every(pattern => new RegExp(pattern, 'u').test(value))) {
    return false;
  }
  return shape.formats.every(format => {
    const check = formatCheck(format);
    return check?.type !== 'string' || check.test(value);
  });
}

function arrayConforms(
  value: unknown[],
  shape: Shape,
  nodeVerdict: (item: unknown, node: SchemaNode) => Verdict,
): Verdict {
  if (
    value.length < shape.minItems ||
    (shape.maxItems !== undefined && value.length > shape.maxItems)
  ) {
    return false;
  }
  if (
    shape.uniqueItems &&
    value.some((item, i) =>
      value.slice(i + 1).some(other => jsonEqual(item, other)),
    )
  ) {
    return false;
  }
  const verdicts: Verdict[] = [];
  value.forEach((item, index) => {
    for (const part of shape.arrays) {
      const node = part.prefix[index] ?? part.rest;
      if (node) {
        verdicts.push(nodeVerdict(item, node));
      }
    }
  });
  for (const contains of shape.contains) {
    const results = value.map(item => nodeVerdict(item, contains.node));
    const sure = results.filter(result => result === true).length;
    const unsure = results.filter(result => result === undefined).length;
    const max = contains.max ?? Infinity;
    if (sure > max || sure + unsure < contains.min) {
      verdicts.push(false);
    } else {
      verdicts.push(
        sure >= contains.min && sure + unsure <= max ? true : undefined,
      );
    }
  }
  return all(verdicts);
}

function objectConforms(
  value: Record<string, unknown>,
  shape: Shape,
  nodeVerdict: (item: unknown, node: SchemaNode) => Verdict,
): Verdict {
  const keys = Object.keys(value);
  if (
    shape.required.some(name => !keys.includes(name)) ||
    keys.length < shape.minProperties ||
    (shape.maxProperties !== undefined && keys.length > shape.maxProperties)
  ) {
    return false;
  }
  const verdicts: Verdict[] = [];
  for (const key of keys) {
    for (const part of shape.objects) {
      for (const { node } of propertySchemas({ part, name: key })) {
        verdicts.push(nodeVerdict(value[key], node));
      }
    }
    for (const node of shape.propertyNames) {
      verdicts.push(nodeVerdict(key, node));
    }
  }
  for (const dependency of shape.dependentRequired) {
    if (
      keys.includes(dependency.property) &&
      dependency.required.some(name => !keys.includes(name))
    ) {
      return false;
    }
  }
  for (const dependency of shape.dependentSchemas) {
    if (keys.includes(dependency.property)) {
      verdicts.push(nodeVerdict(value, dependency.node));
    }
  }
  return all(verdicts);
}
