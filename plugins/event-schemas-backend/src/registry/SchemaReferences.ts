import { ConflictError, InputError } from '@backstage/errors';
import {
  EventTypeFormat,
  listSchemaReferences,
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
 * How much larger than a schema's own size limit it may grow with the
 * versions it references copied in.
 */
export const RESOLVED_SCHEMA_SIZE_FACTOR = 4;

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
    this.maxBytes = options.maxSchemaBytes * RESOLVED_SCHEMA_SIZE_FACTOR;
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
