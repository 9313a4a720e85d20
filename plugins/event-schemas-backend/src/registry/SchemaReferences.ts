import { ConflictError, InputError } from '@backstage/errors';
import {
  EventTypeFormat,
  listSchemaReferences,
  REFERENCE_LIMITS,
  ResolvedSchema,
  resolveSchemaReferences,
  SchemaError,
  SchemaReference,
} from '@data-collection/plugin-event-schemas-common';
import { EventTypeStore } from '../database/EventTypeStore';
import {
  SchemaReferenceStore,
  SchemaReferrer,
} from '../database/SchemaReferenceStore';

/**
 * A type whose latest version references another type, directly or
 * through others (see SchemaReferences.findReferrers).
 */
export type TypeReferrer = {
  eventType: string;
  /** Its latest version. */
  version: number;
  /** How many references lead from it to the referenced type. */
  depth: number;
  /** The types from it to the referenced type, both included. */
  path: string[];
};

/**
 * References between registered schemas: resolves them from the registry's
 * own store (never the network) and knows who references whom.
 */
export class SchemaReferences {
  private readonly store: EventTypeStore;
  private readonly references?: SchemaReferenceStore;
  private readonly baseUrl?: string;
  private readonly maxBytes: number;

  constructor(options: {
    store: EventTypeStore;
    /** Without it, nothing is known to be referenced (tests). */
    references?: SchemaReferenceStore;
    /**
     * The registry's external API URL: references must use it, or its path.
     * Without it any URL ending in `/event-types/<name>/versions/<n>` does.
     */
    baseUrl?: string;
    maxSchemaBytes: number;
  }) {
    this.store = options.store;
    this.references = options.references;
    this.baseUrl = options.baseUrl;
    this.maxBytes =
      options.maxSchemaBytes * REFERENCE_LIMITS.resolvedSizeFactor;
  }

  /**
   * A schema submitted for registration or a check, resolved: an InputError
   * says what is wrong with its references.
   */
  async resolveCandidate(options: {
    format: EventTypeFormat;
    schema: string;
  }): Promise<ResolvedSchema> {
    try {
      return await this.resolve({ ...options, baseUrl: this.baseUrl });
    } catch (error) {
      if (error instanceof SchemaError) {
        throw new InputError(`Invalid schema: ${error.message}`);
      }
      throw error;
    }
  }

  /**
   * A registered version's schema, resolved. Its references were resolved
   * when it was registered, and a referenced version cannot be deleted, so
   * this fails only when the data itself changed.
   */
  async resolveRegistered(options: {
    format: EventTypeFormat;
    schema: string;
  }): Promise<string> {
    return (await this.resolve(options)).schema;
  }

  /**
   * Throws a ConflictError naming the versions of other types that
   * reference `eventType` (its version `version` only, when given).
   */
  async assertNotReferenced(options: {
    eventType: string;
    version?: number;
  }): Promise<void> {
    const referrers = (await this.references?.listReferrers(options)) ?? [];
    if (referrers.length === 0) {
      return;
    }
    const what =
      options.version === undefined
        ? `Event type '${options.eventType}'`
        : `Version ${options.version} of event type '${options.eventType}'`;
    throw new ConflictError(
      `${what} is referenced by ${describeReferrers(
        referrers,
      )}; register versions of those types that no longer reference it, or delete them, first`,
    );
  }

  /**
   * Why a candidate may fail for reasons that lie in other types: the
   * versions it references that the latest version referenced otherwise.
   * Empty when the references did not move.
   */
  describeMovedReferences(options: {
    format: EventTypeFormat;
    latestSchema: string;
    latestVersion: number;
    candidate: ResolvedSchema;
  }): string[] {
    const before = listSchemaReferences({
      format: options.format,
      schema: options.latestSchema,
    });
    const moved: string[] = [];
    for (const reference of options.candidate.references) {
      const earlier = before.filter(
        r =>
          r.eventType === reference.eventType &&
          r.version !== reference.version,
      );
      if (earlier.length > 0) {
        moved.push(
          `the candidate references '${reference.eventType}' version ${
            reference.version
          } where version ${options.latestVersion} references version ${earlier
            .map(r => r.version)
            .join(
              ', ',
            )}: it is judged with the content of the versions it references, so these problems may come from '${
            reference.eventType
          }'`,
        );
      }
    }
    return moved;
  }

  /**
   * Every type whose latest version references a version of `eventType`,
   * directly or through versions of other types, each once at its nearest
   * depth; nearest first, then by name. Walks at most
   * REFERENCE_LIMITS.maxDepth levels, as deep as a reference may chain.
   */
  async findReferrers(options: { eventType: string }): Promise<TypeReferrer[]> {
    const root = options.eventType;
    const store = this.references;
    if (!store) {
      return [];
    }
    // The versions that reach `root`, by `<type>@<version>`, with the
    // version they reach it through (none for a reference to `root`): a
    // path follows the versions each type pins, which need not be latest.
    const reached = new Map<string, { depth: number; via?: string }>();
    const referrers: TypeReferrer[] = [];
    let frontier = [root];
    for (
      let depth = 1;
      frontier.length > 0 && depth <= REFERENCE_LIMITS.maxDepth;
      depth++
    ) {
      const next = new Set<string>();
      const rows = await store.listReferrersOfTypes({
        eventTypes: frontier,
      });
      const latest: SchemaReferrer[] = [];
      for (const row of rows) {
        const key = `${row.eventType}@${row.version}`;
        if (row.eventType === root || reached.has(key)) {
          continue;
        }
        let via: string | undefined;
        if (row.referencedType !== root) {
          via = `${row.referencedType}@${row.referencedVersion}`;
          // A version first reached at this depth leads on at the next.
          if ((reached.get(via)?.depth ?? depth) >= depth) {
            continue;
          }
        }
        reached.set(key, { depth, via });
        next.add(row.eventType);
        if (row.latest) {
          latest.push(row);
        }
      }
      for (const row of latest.sort((a, b) =>
        a.eventType.localeCompare(b.eventType),
      )) {
        const path = [row.eventType];
        let via = reached.get(`${row.eventType}@${row.version}`)?.via;
        while (via !== undefined) {
          path.push(via.slice(0, via.lastIndexOf('@')));
          via = reached.get(via)?.via;
        }
        referrers.push({
          eventType: row.eventType,
          version: row.version,
          depth,
          path: [...path, root],
        });
      }
      frontier = [...next];
    }
    return referrers;
  }

  /**
   * A registered version's schema resolved with `draft` in place of every
   * version of `draft.eventType` it references, directly or through
   * others: how it would read if it moved to the draft. A SchemaError says
   * why it cannot (a cycle, another draft, too large a result).
   */
  resolveWithDraft(options: {
    format: EventTypeFormat;
    schema: string;
    draft: { eventType: string; format: EventTypeFormat; schema: string };
  }): Promise<ResolvedSchema> {
    const { format, schema, draft } = options;
    return resolveSchemaReferences({
      format,
      schema,
      maxBytes: this.maxBytes,
      load: async reference =>
        reference.eventType === draft.eventType
          ? { format: draft.format, schema: draft.schema }
          : this.load(reference),
    });
  }

  private resolve(options: {
    format: EventTypeFormat;
    schema: string;
    baseUrl?: string;
  }): Promise<ResolvedSchema> {
    return resolveSchemaReferences({
      ...options,
      maxBytes: this.maxBytes,
      load: reference => this.load(reference),
    });
  }

  private async load(reference: SchemaReference) {
    const eventType = await this.store.getEventType(reference.eventType);
    if (!eventType) {
      return undefined;
    }
    const version = await this.store.getVersion({
      name: reference.eventType,
      version: reference.version,
    });
    return version && { format: eventType.format, schema: version.schema };
  }
}

function describeReferrers(referrers: SchemaReferrer[]): string {
  const byType = new Map<string, SchemaReferrer[]>();
  for (const referrer of referrers) {
    byType.set(referrer.eventType, [
      ...(byType.get(referrer.eventType) ?? []),
      referrer,
    ]);
  }
  return [...byType]
    .map(
      ([eventType, rows]) =>
        `'${eventType}' (${rows
          .map(r => `version ${r.version} -> ${r.referencedVersion}`)
          .join(', ')})`,
    )
    .join(', ');
}
