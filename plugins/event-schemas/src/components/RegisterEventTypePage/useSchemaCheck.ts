import {
  EventTypeFormat,
  listFields,
  listSchemaReferences,
  parseSchema,
  SchemaField,
} from '@data-collection/plugin-event-schemas-common';
import { useEffect, useMemo, useState } from 'react';

/** What the browser found of a schema draft. */
export type SchemaCheckResult =
  | { valid: true; fields: SchemaField[] }
  | { valid: false; message: string };

export type SchemaCheck = SchemaCheckResult & {
  /** The text changed since this result; a new check is on its way. */
  pending: boolean;
};

// The registry applies the size and nesting limits it is configured with,
// which the browser does not know; so the browser checks without them and
// leaves a schema over the limits to the registry's answer.
const NO_LIMITS = {
  maxBytes: Infinity,
  maxDepth: Infinity,
  maxPatternLength: Infinity,
};

/** The registry's own schema checks (parseSchema), run in the browser. */
export function checkSchema(options: {
  format: EventTypeFormat;
  schema: string;
}): SchemaCheckResult {
  try {
    // References to registered versions are the registry's to resolve: it
    // checks the schema with them when it is submitted.
    if (listSchemaReferences(options).length === 0) {
      parseSchema({ ...options, limits: NO_LIMITS });
    }
    return { valid: true, fields: listFields(options) };
  } catch (error) {
    return {
      valid: false,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * Checks the schema as the user types, once typing pauses for `delayMs`,
 * since compiling a large JSON Schema on every keystroke would make typing lag.
 */
export function useSchemaCheck(options: {
  format: EventTypeFormat;
  schema: string;
  delayMs?: number;
}): SchemaCheck {
  const { format, schema, delayMs = 300 } = options;
  const [checked, setChecked] = useState(() => ({
    format,
    schema,
    result: checkSchema({ format, schema }),
  }));
  useEffect(() => {
    if (checked.format === format && checked.schema === schema) {
      return undefined;
    }
    const timer = setTimeout(
      () =>
        setChecked({ format, schema, result: checkSchema({ format, schema }) }),
      delayMs,
    );
    return () => clearTimeout(timer);
  }, [format, schema, delayMs, checked]);
  const pending = checked.format !== format || checked.schema !== schema;
  return useMemo(
    () => ({ ...checked.result, pending }),
    [checked.result, pending],
  );
}
