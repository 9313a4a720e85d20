import { diffLines } from 'diff';

/** One line of one side of a diff, numbered from 1. */
export type DiffLine = { number: number; text: string };

/**
 * One row of a side-by-side diff: a line on both sides (`same`), a line
 * replaced by another (`changed`), or a line on one side only.
 */
export type DiffRow = {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left?: DiffLine;
  right?: DiffLine;
};

export type SchemaDiff = {
  rows: DiffRow[];
  /** Lines only in the newer schema. */
  added: number;
  /** Lines only in the older schema. */
  removed: number;
};

/**
 * A schema as the diff compares it: JSON pretty-printed the same way, so
 * that a version registered on one line and the next on many differ only
 * where their content does. Text that is not JSON is compared as it is.
 */
export function prettySchema(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function linesOf(value: string): string[] {
  return value.replace(/\n$/, '').split('\n');
}

/**
 * The line diff of two schemas as rows of a side-by-side table: removed
 * lines followed by added ones are paired, row by row, as changes.
 */
export function schemaDiff(from: string, to: string): SchemaDiff {
  // A final newline on both, or the last lines differ by it alone.
  const changes = diffLines(`${prettySchema(from)}\n`, `${prettySchema(to)}\n`);
  const rows: DiffRow[] = [];
  let leftNumber = 0;
  let rightNumber = 0;
  let added = 0;
  let removed = 0;
  const left = (text: string): DiffLine => ({ number: ++leftNumber, text });
  const right = (text: string): DiffLine => ({ number: ++rightNumber, text });

  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    const lines = linesOf(change.value);
    if (!change.added && !change.removed) {
      for (const text of lines) {
        rows.push({ kind: 'same', left: left(text), right: right(text) });
      }
    } else if (change.removed) {
      removed += lines.length;
      const next = changes[i + 1];
      const replacements = next?.added ? linesOf(next.value) : [];
      if (next?.added) {
        added += replacements.length;
        i++;
      }
      for (let k = 0; k < Math.max(lines.length, replacements.length); k++) {
        const old = lines[k];
        const replacement = replacements[k];
        if (old !== undefined && replacement !== undefined) {
          rows.push({
            kind: 'changed',
            left: left(old),
            right: right(replacement),
          });
        } else if (old !== undefined) {
          rows.push({ kind: 'removed', left: left(old) });
        } else {
          rows.push({ kind: 'added', right: right(replacement) });
        }
      }
    } else {
      added += lines.length;
      for (const text of lines)
        rows.push({ kind: 'added', right: right(text) });
    }
  }
  return { rows, added, removed };
}
