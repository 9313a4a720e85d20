import {
  ParsedAvroSchema,
  ParsedJsonSchema,
  ParsedSchema,
  readSchema,
} from '../schema/parseSchema';
import {
  CompatibilityMode,
  CompatibilityProblem,
  CompatibilityResult,
  EventTypeFormat,
} from '../types';
import { avroResolutionProblems } from './avro';
import { Problem } from './jsonSchema/comparison';
import { jsonSchemaSubsetProblems } from './jsonSchema/subset';
import { Direction } from './jsonSchema/wording';
import { problemField } from './problemField';

const DIRECTIONS: Record<string, Direction[]> = {
  BACKWARD: ['backward'],
  FORWARD: ['forward'],
  FULL: ['backward', 'forward'],
};

/**
 * Checks a candidate schema against earlier versions under a compatibility
 * mode, as Confluent Schema Registry defines them. BACKWARD: consumers on
 * the candidate can read data written with the latest version (every event
 * valid under it is valid under the candidate); FORWARD: consumers on the
 * latest version can read data written with the candidate; FULL: both.
 * `_TRANSITIVE` checks every earlier version instead of the latest only;
 * NONE and a first version are always compatible.
 *
 * `previous` holds the earlier versions' schema texts, oldest first, so
 * `previous[i]` is version i + 1; messages name the version when more than
 * one is checked. `problems` holds the same reasons with the field each
 * concerns (`user.email`), a rule id and the compared version. Callers validate schemas with parseSchema first (with the
 * registry's limits); an invalid candidate or compared version still throws
 * the SchemaError parseSchema would, short of compiling and of the limits.
 *
 * @public
 */
export function checkCompatibility(options: {
  format: EventTypeFormat;
  mode: CompatibilityMode;
  candidate: string;
  previous: string[];
}): CompatibilityResult {
  const { format, mode, previous } = options;
  const candidate = readSchema({ format, schema: options.candidate });
  if (mode === 'NONE' || previous.length === 0) {
    return { compatible: true, messages: [], problems: [] };
  }
  const directions = DIRECTIONS[mode.replace('_TRANSITIVE', '')];
  const versions = mode.endsWith('_TRANSITIVE')
    ? previous.map((_, index) => index)
    : [previous.length - 1];
  const problems = new Map<string, CompatibilityProblem>();
  for (const index of versions) {
    const earlier = readSchema({ format, schema: previous[index] });
    for (const direction of directions) {
      for (const { path, text } of compare({ candidate, earlier, direction })) {
        const found = `${path}: ${text}`;
        const message =
          versions.length > 1 ? `version ${index + 1}: ${found}` : found;
        if (!problems.has(message)) {
          problems.set(message, {
            ...problemField({ format, path, text }),
            message,
            ...(versions.length > 1 ? { version: index + 1 } : {}),
          });
        }
      }
    }
  }
  return {
    compatible: problems.size === 0,
    messages: [...problems.keys()],
    problems: [...problems.values()],
  };
}

// Both schemas were parsed with the same format, so the casts hold.
function compare(options: {
  candidate: ParsedSchema;
  earlier: ParsedSchema;
  direction: Direction;
}): Problem[] {
  const { candidate, direction } = options;
  if (candidate.format === 'avro') {
    const earlier = options.earlier as ParsedAvroSchema;
    // Backward: the new schema reads what the old one wrote.
    const [reader, writer] =
      direction === 'backward' ? [candidate, earlier] : [earlier, candidate];
    return avroResolutionProblems({
      reader: reader.type,
      writer: writer.type,
      direction,
    });
  }
  const earlier = options.earlier as ParsedJsonSchema;
  // Backward: every event valid under the old schema stays valid.
  const [sub, sup] =
    direction === 'backward' ? [earlier, candidate] : [candidate, earlier];
  return jsonSchemaSubsetProblems({ sub, sup, direction });
}
