import { Type, types } from 'avsc';
import { unqualify } from '../schema/avro/names';
import { label } from '../schema/avro/validator';
import { Problem } from './jsonSchema/comparison';
import { Direction } from './jsonSchema/wording';

type Kind =
  | 'null'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'bytes'
  | 'string'
  | 'record'
  | 'enum'
  | 'fixed'
  | 'array'
  | 'map'
  | 'union';

// Avro 1.11, Schema Resolution: "the writer's schema may be promoted to the
// reader's as follows: int is promotable to long, float, or double; long is
// promotable to float or double; float is promotable to double; string is
// promotable to bytes; bytes is promotable to string."
const PROMOTIONS: Partial<Record<Kind, Kind[]>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

const NAMED: Kind[] = ['record', 'enum', 'fixed'];

function kindOf(type: Type): Kind {
  if (type.typeName.startsWith('union')) {
    return 'union';
  }
  return type.typeName === 'error' ? 'record' : (type.typeName as Kind);
}

class AvroResolver {
  readonly problems: Problem[] = [];
  // Named pairs already resolved: recursive records resolve once.
  private readonly resolved = new Map<Type, Set<Type>>();

  constructor(private readonly readerIsNew: boolean) {}

  resolve(reader: Type, writer: Type, path: string): void {
    if (kindOf(writer) === 'union') {
      // "If the writer's is a union": each branch it may have written must
      // be readable.
      for (const branch of (writer as types.UnwrappedUnionType).types) {
        this.resolveWriterBranch(reader, writer, branch, path);
      }
      return;
    }
    if (kindOf(reader) === 'union') {
      // "If reader's is a union, but writer's is not: the first schema in the
      // reader's union that matches the writer's schema is recursively
      // resolved against it. If none match, an error is signalled."
      const match = pickBranch(reader as types.UnwrappedUnionType, writer);
      if (match) {
        this.resolveMatched(match, writer, path);
      } else {
        this.report(
          path,
          this.readerIsNew
            ? `type changed from ${label(writer)} to ${label(
                reader,
              )}, which has no branch that can read ${label(writer)}`
            : `type changed from ${label(reader)} to ${label(
                writer,
              )}, which old readers (${label(reader)}) have no branch to read`,
        );
      }
      return;
    }
    if (!matches(reader, writer)) {
      this.report(path, this.mismatch(reader, writer));
      return;
    }
    this.resolveMatched(reader, writer, path);
  }

  private resolveWriterBranch(
    reader: Type,
    writer: Type,
    branch: Type,
    path: string,
  ): void {
    if (kindOf(reader) === 'union') {
      const match = pickBranch(reader as types.UnwrappedUnionType, branch);
      if (match) {
        this.resolveMatched(match, branch, path);
      } else {
        this.report(
          path,
          this.readerIsNew
            ? `union branch ${label(
                branch,
              )} removed, so old data of that branch cannot be read`
            : `union branch ${label(
                branch,
              )} added, which old readers cannot read`,
        );
      }
    } else if (matches(reader, branch)) {
      this.resolveMatched(reader, branch, path);
    } else {
      this.report(
        path,
        this.readerIsNew
          ? `type changed from ${label(writer)} to ${label(
              reader,
            )}, which cannot read the ${label(branch)} branch of old data`
          : `type changed from ${label(reader)} to ${label(
              writer,
            )}, whose ${label(branch)} branch old readers cannot read`,
      );
    }
  }

  private resolveMatched(reader: Type, writer: Type, path: string): void {
    let seen = this.resolved.get(reader);
    if (seen?.has(writer)) {
      return;
    }
    seen = seen ?? new Set();
    seen.add(writer);
    this.resolved.set(reader, seen);
    switch (kindOf(reader)) {
      case 'record':
        this.resolveRecords(
          reader as types.RecordType,
          writer as types.RecordType,
          path,
        );
        return;
      case 'enum':
        this.resolveEnums(reader as EnumType, writer as EnumType, path);
        return;
      case 'fixed': {
        const [oldSize, newSize] = this.oldNew(
          (reader as types.FixedType).size,
          (writer as types.FixedType).size,
        );
        if (oldSize !== newSize) {
          this.report(path, `fixed size changed from ${oldSize} to ${newSize}`);
        }
        return;
      }
      case 'array':
        this.resolve(
          (reader as types.ArrayType).itemsType,
          (writer as types.ArrayType).itemsType,
          `${path}/items`,
        );
        return;
      case 'map':
        this.resolve(
          (reader as types.MapType).valuesType as Type,
          (writer as types.MapType).valuesType as Type,
          `${path}/values`,
        );
        return;
      default:
      // Primitives that match (or promote) need nothing more.
    }
  }

  private resolveRecords(
    reader: types.RecordType,
    writer: types.RecordType,
    path: string,
  ): void {
    // "The ordering of fields may be different: fields are matched by name";
    // "if the reader's record schema has a field that contains a default
    // value, and writer's schema does not have a field with the same name,
    // then the reader should use the default value from its field"; "if the
    // reader's record schema has a field with no default value, and writer's
    // schema does not have a field with the same name, an error is
    // signalled". Reader field aliases name the writer's field.
    for (const field of reader.fields) {
      const source =
        writer.fields.find(candidate => candidate.name === field.name) ??
        writer.fields.find(candidate => field.aliases.includes(candidate.name));
      const fieldPath = `${path}/fields/${field.name}`;
      if (source) {
        this.resolve(field.type, source.type, fieldPath);
      } else if (field.defaultValue() === undefined) {
        this.report(
          fieldPath,
          this.readerIsNew
            ? 'field added without a default, so data written without it cannot be read'
            : 'field removed, but the old schema has no default for it, so old readers cannot read new data',
        );
      }
    }
  }

  private resolveEnums(reader: EnumType, writer: EnumType, path: string): void {
    // "If the writer's symbol is not present in the reader's enum and the
    // reader has a default value, then that value is used, otherwise an
    // error is signalled."
    if (reader.default !== undefined) {
      return;
    }
    for (const symbol of writer.symbols.filter(
      s => !reader.symbols.includes(s),
    )) {
      this.report(
        path,
        this.readerIsNew
          ? `enum symbol '${symbol}' removed and the enum has no default, so old data with '${symbol}' cannot be read`
          : `enum symbol '${symbol}' added, but the old enum has no default, so old readers cannot read it`,
      );
    }
  }

  private mismatch(reader: Type, writer: Type): string {
    const kind = kindOf(reader);
    if (kind === kindOf(writer) && NAMED.includes(kind)) {
      const readerName = unqualify(reader.name!);
      const writerName = unqualify(writer.name!);
      return this.readerIsNew
        ? `${kind} name changed from ${writerName} to ${readerName} without an alias for ${writerName}`
        : `${kind} name changed from ${readerName} to ${writerName}, which old readers do not know (the old schema has no alias ${writerName})`;
    }
    return this.readerIsNew
      ? `type changed from ${label(writer)} to ${label(
          reader,
        )}, which is not a promotion`
      : `type changed from ${label(reader)} to ${label(
          writer,
        )}, which old readers cannot read as ${label(
          reader,
        )} (not a promotion)`;
  }

  // [old, new] from the reader's value and the writer's.
  private oldNew<T>(readerValue: T, writerValue: T): [T, T] {
    return this.readerIsNew
      ? [writerValue, readerValue]
      : [readerValue, writerValue];
  }

  private report(path: string, text: string): void {
    this.problems.push({ path: path || '/', text });
  }
}

/**
 * Whether data written with `writer` can be read with `reader`, by the Avro
 * 1.11 specification's schema resolution rules, each problem once, at its
 * path (`/fields/price`). BACKWARD reads old data with the new schema
 * (direction `backward`: the reader is the new schema), FORWARD the reverse.
 *
 * Names are compared unqualified, as the specification's matching rules say
 * ("both schemas are records with the same (unqualified) name"), and a
 * reader alias matches the writer's name, full or unqualified. avsc's own
 * resolver compares full names by default, so it rejects a namespace change
 * that the specification (and Java's SchemaCompatibility) accepts.
 */
export function avroResolutionProblems(options: {
  reader: Type;
  writer: Type;
  direction: Direction;
}): Problem[] {
  const resolver = new AvroResolver(options.direction === 'backward');
  resolver.resolve(options.reader, options.writer, '');
  const unique = new Map(
    resolver.problems.map(found => [`${found.path}: ${found.text}`, found]),
  );
  return [...unique.values()];
}

type EnumType = types.EnumType & { default?: string };

// "To match, one of the following must hold": same primitive, promotable,
// or both arrays, maps, or named types of the same kind and name.
function matches(reader: Type, writer: Type): boolean {
  const readerKind = kindOf(reader);
  const writerKind = kindOf(writer);
  if (readerKind === writerKind) {
    return !NAMED.includes(readerKind) || namesMatch(reader, writer);
  }
  return PROMOTIONS[writerKind]?.includes(readerKind) ?? false;
}

function namesMatch(reader: Type, writer: Type): boolean {
  const name = unqualify(writer.name!);
  return [reader.name!, ...(reader.aliases ?? [])].some(
    candidate => unqualify(candidate) === name,
  );
}

// The branch a reader union reads a writer type with: the same type first
// (as Java does), then the first one it promotes to.
function pickBranch(
  union: types.UnwrappedUnionType,
  writer: Type,
): Type | undefined {
  const sameKind = union.types.find(
    branch => kindOf(branch) === kindOf(writer) && matches(branch, writer),
  );
  return sameKind ?? union.types.find(branch => matches(branch, writer));
}
