import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  canonicalSchema,
  checkCompatibility,
  compatibilityImpact,
  compileValidator,
  CompatibilityResult,
  ConsumerCheck,
  Deprecation,
  EventType,
  EventTypeFormat,
  EventTypeList,
  EventTypeVersion,
  listFields,
  measureValue,
  parseSchema,
  REFERENCE_LIMITS,
  retiredEventTypeReason,
  ReferrerVerdict,
  ResolvedSchema,
  SchemaError,
  SchemaValidator,
} from '@data-collection/plugin-event-schemas-common';
import { createHash } from 'node:crypto';
import { ConsumerDirectory } from '../consumers/EventTypeConsumers';
import {
  EventTypeChanges,
  EventTypeFilter,
  EventTypeStore,
  NewVersion,
} from '../database/EventTypeStore';
import { RegistryConfig } from '../service/config';
import {
  CreateEventTypeRequest,
  UpdateEventTypeRequest,
} from '../service/requests';
import { TtlCache } from '@data-collection/plugin-event-schemas-common';
import { checkPersonalData, keptDataSubjectProblem } from './personalData';
import { nextDeprecation, retiredDeprecation } from '../lifecycle/transitions';
import { SchemaReferenceStore } from '../database/SchemaReferenceStore';
import { SchemaReferences, TypeReferrer } from './SchemaReferences';
import { EventTypeFileStore } from '../database/EventTypeFileStore';
import { managedTypeConflict } from '../sync/managedTypeConflict';

/** What happened to an event type, for whoever keeps a copy or tells people. */
export type EventTypeChange =
  | { action: 'created'; eventType: EventType; version: EventTypeVersion }
  | { action: 'updated'; eventType: EventType; changes: EventTypeChanges }
  | { action: 'version-added'; eventType: EventType; version: EventTypeVersion }
  | {
      action: 'version-updated';
      eventType: EventType;
      version: EventTypeVersion;
    }
  | { action: 'deleted'; name: string };

/**
 * How many referrers one compatibility check judges: each costs a
 * resolution and a comparison of schemas.
 */
export const MAX_REFERRERS_JUDGED = 50;

/** A referrer's verdict as the registry reaches it, every type named. */
export type NamedReferrerVerdict = Omit<ReferrerVerdict, 'path'> & {
  path: string[];
};

/** A registration that the type's compatibility mode forbids. */
export class IncompatibleSchemaError extends ConflictError {
  readonly result: CompatibilityResult;

  constructor(options: {
    name: string;
    mode: string;
    result: CompatibilityResult;
  }) {
    super(
      `The schema is not ${options.mode} compatible with '${
        options.name
      }': ${options.result.messages.join('; ')}`,
    );
    this.result = options.result;
  }
}

/**
 * The schema registry's rules: names, schemas, versions, compatibility and
 * validation. Who may do what is the router's business; storage the store's.
 */
export class SchemaRegistry {
  private readonly store: EventTypeStore;
  private readonly config: RegistryConfig;
  private readonly onChange: (change: EventTypeChange) => Promise<void>;
  private readonly fileStore?: Pick<EventTypeFileStore, 'getManagedBy'>;
  private readonly consumers?: ConsumerDirectory;
  private readonly now: () => Date;
  private readonly references: SchemaReferences;
  /**
   * Compiled validators per event type version. Versions are immutable, so
   * entries never expire; the least recently used go beyond 1000.
   */
  private readonly validators = new TtlCache<SchemaValidator>({
    ttlMs: Infinity,
    maxEntries: 1000,
  });
  /** Event type and version per `validate` call: see {@link TtlCache}. */
  private readonly lookups: TtlCache<{
    eventType: EventType;
    version: EventTypeVersion;
  }>;

  constructor(options: {
    store: EventTypeStore;
    config: RegistryConfig;
    /** Called after every change; its failures are the caller's to log. */
    onChange?: (change: EventTypeChange) => Promise<void>;
    /** How long `validate` may use a looked-up version. Default 5 s. */
    lookupTtlMs?: number;
    /**
     * Which types are managed from files: only the sync (`fromSync`) may
     * change those.
     */
    fileStore?: Pick<EventTypeFileStore, 'getManagedBy'>;
    /**
     * The types' consumers, for the `CONSUMERS` compatibility scope; without
     * it, that scope accepts nothing the mode refuses.
     */
    consumers?: ConsumerDirectory;
    /** The clock that deprecations and retirements are dated by. */
    now?: () => Date;
    /** Who references whom; without it no deletion is refused for it. */
    references?: SchemaReferenceStore;
    /** The registry's external API URL, which references name versions by. */
    baseUrl?: string;
  }) {
    this.now = options.now ?? (() => new Date());
    this.store = options.store;
    this.fileStore = options.fileStore;
    this.consumers = options.consumers;
    this.config = options.config;
    this.references = new SchemaReferences({
      store: options.store,
      references: options.references,
      baseUrl: options.baseUrl,
      maxSchemaBytes: options.config.limits.maxSchemaBytes,
    });
    const onChange = options.onChange ?? (async () => {});
    this.onChange = async change => {
      const name =
        change.action === 'deleted' ? change.name : change.eventType.name;
      this.lookups.deletePrefix(`${name}\u0000`);
      await onChange(change);
    };
    this.lookups = new TtlCache({
      ttlMs: options.lookupTtlMs ?? 5000,
      maxEntries: 10_000,
    });
  }

  listEventTypes(options: {
    filter: EventTypeFilter;
    limit: number;
    cursor?: string;
  }): Promise<EventTypeList> {
    return this.store.listEventTypes(options);
  }

  async getEventType(name: string): Promise<EventType> {
    const eventType = await this.store.getEventType(name);
    if (!eventType) throw new NotFoundError(`No event type named '${name}'`);
    return eventType;
  }

  async hasEventType(name: string): Promise<boolean> {
    return (await this.store.getEventType(name)) !== undefined;
  }

  async createEventType(options: {
    request: CreateEventTypeRequest;
    createdBy: string;
  }): Promise<{ eventType: EventType; version: EventTypeVersion }> {
    const { request, createdBy } = options;
    const deletedAt = await this.store.getDeletedAt(request.name);
    if (deletedAt) {
      throw new ConflictError(
        `Event type '${
          request.name
        }' was deleted on ${deletedAt.toISOString()}; its name is not reused, since consumers may still hold its data. Choose another name.`,
      );
    }
    if (await this.store.getEventType(request.name)) {
      throw new ConflictError(
        `Event type '${request.name}' already exists; register a new schema with POST /event-types/${request.name}/versions`,
      );
    }
    const { version } = await this.prepareVersion({
      format: request.format,
      schema: request.schema,
      createdBy,
    });
    const personalDataFields = checkPersonalData({
      personalDataFields: request.personalDataFields ?? [],
      dataSubject: request.dataSubject,
      fields: version.fields,
    });
    const created = await this.store.createEventType({
      eventType: {
        name: request.name,
        title: request.title,
        description: request.description,
        owner: request.owner,
        lifecycle: request.lifecycle ?? 'experimental',
        tags: request.tags ?? [],
        format: request.format,
        compatibility: request.compatibility ?? 'BACKWARD',
        compatibilityScope: request.compatibilityScope ?? 'ALL',
        retention: {
          raw: request.retention?.raw ?? this.config.defaults.retention.raw,
          delivered:
            request.retention?.delivered ??
            this.config.defaults.retention.delivered,
        },
        sla: request.sla ?? this.config.defaults.sla,
        personalDataFields,
        dataSubject: request.dataSubject,
        createdBy,
      },
      version,
    });
    await this.onChange({ action: 'created', ...created });
    return created;
  }

  async updateEventType(options: {
    name: string;
    request: UpdateEventTypeRequest;
    updatedBy: string;
    fromSync?: boolean;
  }): Promise<EventType> {
    const { name, request, updatedBy } = options;
    const current = await this.getEventType(name);
    await this.assertChangeable({ name, fromSync: options.fromSync });
    const { deprecation, retention, ...rest } = request;
    const changes: EventTypeChanges = { ...rest };
    if (retention) {
      changes.retention = {
        raw: retention.raw ?? current.retention.raw,
        delivered: retention.delivered ?? current.retention.delivered,
      };
    }
    if (deprecation !== undefined) {
      changes.deprecation = nextDeprecation({
        current,
        request: deprecation,
        by: updatedBy,
        now: this.now(),
      });
    }
    if (
      request.personalDataFields !== undefined ||
      request.dataSubject !== undefined
    ) {
      changes.personalDataFields = await this.checkPersonalDataChange({
        current,
        request,
      });
    }
    const { deprecation: deprecationChange, ...stored } = changes;
    if (deprecationChange !== undefined) {
      // Compare and set: a retirement by the sunset task in between is
      // never overwritten (nothing leaves retired).
      const swapped = await this.store.replaceDeprecation({
        name,
        expected: current.deprecation,
        deprecation: deprecationChange,
      });
      if (!swapped) {
        throw new ConflictError(
          `The deprecation of '${name}' changed meanwhile; look at it again and retry`,
        );
      }
    }
    const eventType = await this.store.updateEventType({
      name,
      changes: stored,
    });
    await this.onChange({ action: 'updated', eventType, changes });
    return eventType;
  }

  /**
   * The personal data fields after a change that touches them or the data
   * subject, checked against the latest version's fields.
   */
  private async checkPersonalDataChange(options: {
    current: EventType;
    request: UpdateEventTypeRequest;
  }): Promise<string[]> {
    const { current, request } = options;
    const personalDataFields =
      request.personalDataFields ?? current.personalDataFields;
    if (request.dataSubject === null && personalDataFields.length > 0) {
      throw new InputError(
        'dataSubject: cannot be unset while personalDataFields is set: set personalDataFields to [] in the same change, or name another data subject',
      );
    }
    const latest = await this.getVersion({
      name: current.name,
      version: 'latest',
    });
    return checkPersonalData({
      personalDataFields,
      dataSubject:
        request.dataSubject === undefined
          ? current.dataSubject
          : request.dataSubject ?? undefined,
      fields: listFields({
        format: current.format,
        schema: await this.references.resolveRegistered({
          format: current.format,
          schema: latest.schema,
        }),
      }),
    });
  }

  /**
   * Retires a deprecated type, now: it refuses new events from here on. By
   * its owners before the sunset date, or by the sunset task at it.
   */
  async retireEventType(options: {
    name: string;
    retiredBy: string;
  }): Promise<EventType> {
    const current = await this.getEventType(options.name);
    const deprecation = retiredDeprecation({
      current,
      by: options.retiredBy,
      now: this.now(),
    });
    const eventType = await this.store.replaceDeprecation({
      name: options.name,
      expected: current.deprecation,
      deprecation,
    });
    if (!eventType) {
      throw new ConflictError(
        `Event type '${options.name}' changed while it was being retired; look at it again and retry`,
      );
    }
    await this.onChange({
      action: 'updated',
      eventType,
      changes: { deprecation },
    });
    return eventType;
  }

  async deleteEventType(name: string): Promise<void> {
    await this.assertChangeable({ name });
    await this.references.assertNotReferenced({ eventType: name });
    await this.store.deleteEventType({ name });
    await this.onChange({ action: 'deleted', name });
  }

  async listVersions(name: string): Promise<EventTypeVersion[]> {
    await this.getEventType(name);
    return this.store.listVersions(name);
  }

  async getVersion(options: {
    name: string;
    version: number | 'latest';
  }): Promise<EventTypeVersion> {
    await this.getEventType(options.name);
    const version = await this.store.getVersion(options);
    if (!version) {
      throw new NotFoundError(
        `Event type '${options.name}' has no version ${options.version}`,
      );
    }
    return version;
  }

  /**
   * Registers a schema as the type's next version. An identical schema
   * (same canonical form) returns its existing version and creates nothing.
   */
  async registerVersion(options: {
    name: string;
    schema: string;
    createdBy: string;
    fromSync?: boolean;
  }): Promise<{ version: EventTypeVersion; created: boolean }> {
    const { name, schema, createdBy } = options;
    const eventType = await this.getEventType(name);
    await this.assertChangeable({ name, fromSync: options.fromSync });
    const retired = retiredEventTypeReason(eventType);
    if (retired) {
      throw new ConflictError(`${retired}; it takes no new versions`);
    }
    const { version: prepared, resolved } = await this.prepareVersion({
      format: eventType.format,
      schema,
      createdBy,
    });
    const existing = await this.store.findVersionByFingerprint({
      name,
      fingerprint: prepared.fingerprint,
    });
    if (existing) return { version: existing, created: false };

    const subjectProblem = keptDataSubjectProblem({
      dataSubject: eventType.dataSubject,
      fields: prepared.fields,
    });
    if (subjectProblem) throw new InputError(subjectProblem);
    const result = await this.check({ eventType, resolved });
    const consumerCheck = result.compatible
      ? undefined
      : await this.checkAgainstConsumers({ eventType, result });
    if (!result.compatible && !consumerCheck) {
      throw new IncompatibleSchemaError({
        name,
        mode: eventType.compatibility,
        result,
      });
    }
    const version = await this.store.addVersion({
      name,
      afterVersion: eventType.latestVersion,
      version: { ...prepared, consumerCheck },
    });
    await this.onChange({
      action: 'version-added',
      eventType: (await this.store.getEventType(name))!,
      version,
    });
    return { version, created: true };
  }

  /** The check registration makes, changing nothing. */
  async checkCompatibility(options: {
    name: string;
    schema: string;
  }): Promise<CompatibilityResult> {
    const eventType = await this.getEventType(options.name);
    const resolved = await this.resolveAndParse({
      format: eventType.format,
      schema: options.schema,
    });
    const result = await this.check({ eventType, resolved });
    // Listing a wide schema's fields is a fair share of the check: only a
    // type with a data subject needs them.
    const subjectProblem =
      eventType.dataSubject === undefined
        ? undefined
        : keptDataSubjectProblem({
            dataSubject: eventType.dataSubject,
            fields: listFields({
              format: eventType.format,
              schema: resolved.schema,
            }),
          });
    return subjectProblem
      ? {
          compatible: false,
          messages: [...result.messages, subjectProblem],
          problems: [
            ...result.problems,
            {
              field: eventType.dataSubject ?? '',
              rule: 'dataSubject',
              message: subjectProblem,
            },
          ],
        }
      : result;
  }

  /**
   * What the types that reference `name`, directly or through others,
   * would make of `schema` in place of the version they reference: each
   * one's latest version resolved with it, then checked as registration
   * checks that type's candidates. Nearest first; the first
   * MAX_REFERRERS_JUDGED, and how many more there are. Call it after
   * checkCompatibility, which says what is wrong with the schema itself.
   */
  async checkReferrers(options: {
    name: string;
    schema: string;
  }): Promise<{ items: NamedReferrerVerdict[]; more: number }> {
    const { name, schema } = options;
    const { format } = await this.getEventType(name);
    const referrers = await this.references.findReferrers({ eventType: name });
    const judged = referrers.slice(0, MAX_REFERRERS_JUDGED);
    const items: NamedReferrerVerdict[] = [];
    // One at a time: each is a resolution and a comparison of schemas.
    for (const referrer of judged) {
      const verdict = await this.judgeReferrer({
        referrer,
        draft: { eventType: name, format, schema },
      });
      if (verdict) items.push(verdict);
    }
    return { items, more: referrers.length - judged.length };
  }

  /** Undefined when the referrer was deleted meanwhile. */
  private async judgeReferrer(options: {
    referrer: TypeReferrer;
    draft: { eventType: string; format: EventTypeFormat; schema: string };
  }): Promise<NamedReferrerVerdict | undefined> {
    const { referrer, draft } = options;
    const eventType = await this.store.getEventType(referrer.eventType);
    const latest = await this.store.getVersion({
      name: referrer.eventType,
      version: referrer.version,
    });
    if (!eventType || !latest) return undefined;
    const verdict = { ...referrer, mode: eventType.compatibility };
    try {
      const resolved = await this.references.resolveWithDraft({
        format: eventType.format,
        schema: latest.schema,
        draft,
      });
      const { compatible, problems } = await this.check({
        eventType,
        resolved,
      });
      return { ...verdict, compatible, problems };
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      // Not a fault of the request: what the referrer's owners would meet.
      return {
        ...verdict,
        compatible: false,
        problems: [
          {
            field: '',
            rule: 'reference',
            message: `Version ${latest.version} cannot take the draft in place of '${draft.eventType}': ${error.message}`,
          },
        ],
      };
    }
  }

  async setVersionDeprecation(options: {
    name: string;
    version: number;
    deprecation: { reason: string; successor?: string } | null;
    updatedBy: string;
  }): Promise<EventTypeVersion> {
    const eventType = await this.getEventType(options.name);
    await this.assertChangeable({ name: options.name });
    const deprecation: Deprecation | null = options.deprecation && {
      ...options.deprecation,
      deprecatedAt: new Date().toISOString(),
      deprecatedBy: options.updatedBy,
    };
    const version = await this.store.setVersionDeprecation({
      name: options.name,
      version: options.version,
      deprecation,
    });
    await this.onChange({ action: 'version-updated', eventType, version });
    return version;
  }

  /** Validates an event's data against a version (the latest by default). */
  async validate(options: {
    type: string;
    version?: number | 'latest';
    data: unknown;
  }): Promise<{ valid: boolean; errors: string[]; version: number }> {
    const wanted = options.version ?? 'latest';
    const { eventType, version } = await this.lookups.getOrLoad(
      `${options.type}\u0000${wanted}`,
      async () => ({
        eventType: await this.getEventType(options.type),
        version: await this.getVersion({ name: options.type, version: wanted }),
      }),
    );
    const validator = await this.validators.getOrLoad(
      `${eventType.name}\u0000${version.version}`,
      async () => {
        try {
          return compileValidator({
            format: eventType.format,
            schema: await this.references.resolveRegistered({
              format: eventType.format,
              schema: version.schema,
            }),
          });
        } catch (error) {
          // A version registered before a rule it breaks (a pattern RE2
          // cannot run) validates nothing; kept, so as not to compile again.
          if (error instanceof SchemaError) {
            const reason = `Version ${version.version} of event type '${eventType.name}' cannot validate events: ${error.message}; register a new version`;
            return () => ({ valid: false, errors: [reason] });
          }
          throw error;
        }
      },
    );
    return { ...validator(options.data), version: version.version };
  }

  /**
   * A type managed from a file changes only through its file: anything else
   * would be undone by the next sync, or silently diverge from the file.
   */
  private async assertChangeable(options: {
    name: string;
    fromSync?: boolean;
  }): Promise<void> {
    if (options.fromSync || !this.fileStore) return;
    const managedBy = await this.fileStore.getManagedBy(options.name);
    if (managedBy) {
      throw managedTypeConflict({ name: options.name, managedBy });
    }
  }

  /**
   * Under the `CONSUMERS` scope, what accepts a version whose problems
   * concern no field a consumer reads; undefined when the scope is `ALL`
   * or a problem breaks a consumer.
   */
  private async checkAgainstConsumers(options: {
    eventType: EventType;
    result: CompatibilityResult;
  }): Promise<ConsumerCheck | undefined> {
    const { eventType, result } = options;
    if (eventType.compatibilityScope !== 'CONSUMERS' || !this.consumers) {
      return undefined;
    }
    const consumers = await this.consumers.list(eventType.name);
    const impact = compatibilityImpact({
      problems: result.problems,
      consumers,
    });
    if (impact.affectingNobody.length < result.problems.length) {
      return undefined;
    }
    return {
      problems: result.problems,
      consumers: consumers.map(({ entityRef, fieldsRead }) => ({
        entityRef,
        ...(fieldsRead ? { fieldsRead } : {}),
      })),
    };
  }

  /**
   * The candidate against the type's versions, each with the versions it
   * references resolved: a schema is judged by what it validates, wherever
   * that is defined.
   */
  private async check(options: {
    eventType: EventType;
    resolved: ResolvedSchema;
  }): Promise<CompatibilityResult> {
    const { eventType, resolved } = options;
    const format = eventType.format;
    const versions = await this.store.listVersions(eventType.name);
    // Other modes compare with the latest version only: resolving the
    // others would be wasted work, which referrer verdicts repeat per type.
    const compared = eventType.compatibility.endsWith('_TRANSITIVE')
      ? versions
      : versions.slice(-1);
    const previous = await Promise.all(
      compared.map(v =>
        this.references.resolveRegistered({ format, schema: v.schema }),
      ),
    );
    const result = checkCompatibility({
      format,
      mode: eventType.compatibility,
      candidate: resolved.schema,
      previous,
    });
    const latest = versions[versions.length - 1];
    if (result.compatible || !latest) {
      return result;
    }
    const moved = this.references.describeMovedReferences({
      format,
      latestSchema: latest.schema,
      latestVersion: latest.version,
      candidate: resolved,
    });
    return { ...result, messages: [...result.messages, ...moved] };
  }

  /**
   * A schema checked and indexed for storage. The schema is kept as it was
   * written; what it validates (its fields, its compatibility) is read from
   * it with its references resolved.
   */
  private async prepareVersion(options: {
    format: EventTypeFormat;
    schema: string;
    createdBy: string;
  }): Promise<{ version: NewVersion; resolved: ResolvedSchema }> {
    const { format, schema, createdBy } = options;
    const resolved = await this.resolveAndParse({ format, schema });
    const canonical = canonicalSchema({ format, schema });
    return {
      version: {
        schema,
        fingerprint: `sha256:${createHash('sha256')
          .update(canonical)
          .digest('hex')}`,
        fields: listFields({ format, schema: resolved.schema }),
        createdBy,
        references: resolved.references,
      },
      resolved,
    };
  }

  /** The schema with its references resolved, after parseSchema's checks. */
  private async resolveAndParse(options: {
    format: EventTypeFormat;
    schema: string;
  }): Promise<ResolvedSchema> {
    const { format, schema } = options;
    const { maxSchemaBytes } = this.config.limits;
    if (
      Buffer.byteLength(schema) > maxSchemaBytes ||
      this.nestsTooDeep(schema)
    ) {
      // Checked before resolving, which would otherwise read it whole, and
      // walk it recursively; parse says what is wrong.
      this.parse({ format, schema });
    }
    const resolved = await this.references.resolveCandidate({ format, schema });
    const referenced = resolved.schema !== schema;
    this.parse({
      format,
      schema: resolved.schema,
      maxBytes: referenced
        ? maxSchemaBytes * REFERENCE_LIMITS.resolvedSizeFactor
        : maxSchemaBytes,
      extraDepth: referenced ? this.resolvedExtraDepth(format) : 0,
    });
    return resolved;
  }

  /**
   * Whether a schema that may have references nests deeper than the limit;
   * the copies of referenced versions may make the resolved one deeper.
   */
  private nestsTooDeep(schema: string): boolean {
    if (!schema.includes('/event-types/')) {
      return false;
    }
    let value: unknown;
    try {
      value = JSON.parse(schema);
    } catch {
      return false;
    }
    const { maxSchemaDepth } = this.config.limits;
    return (
      measureValue({ value, maxDepth: maxSchemaDepth }).depth > maxSchemaDepth
    );
  }

  /**
   * How much deeper than a schema's own limit it may nest with its
   * references resolved. Each referenced version was held to the limit when
   * it was registered. A JSON Schema holds the copies two levels down (in
   * `$defs`); Avro writes each where it is first named, so a chain of
   * references nests one copy in the next.
   */
  private resolvedExtraDepth(format: EventTypeFormat): number {
    return format === 'avro'
      ? this.config.limits.maxSchemaDepth * REFERENCE_LIMITS.maxDepth
      : 2;
  }

  private parse(options: {
    format: EventTypeFormat;
    schema: string;
    maxBytes?: number;
    extraDepth?: number;
  }) {
    try {
      parseSchema({
        format: options.format,
        schema: options.schema,
        limits: {
          maxBytes: options.maxBytes ?? this.config.limits.maxSchemaBytes,
          maxDepth:
            this.config.limits.maxSchemaDepth + (options.extraDepth ?? 0),
          maxPatternLength: this.config.limits.maxPatternLength,
        },
      });
    } catch (error) {
      if (error instanceof SchemaError) {
        throw new InputError(`Invalid schema: ${error.message}`);
      }
      throw error;
    }
  }
}
