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
  parseSchema,
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
  }) {
    this.store = options.store;
    this.fileStore = options.fileStore;
    this.consumers = options.consumers;
    this.config = options.config;
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
    const version = this.prepareVersion({
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
      changes.deprecation = deprecation && {
        ...deprecation,
        deprecatedAt: new Date().toISOString(),
        deprecatedBy: updatedBy,
      };
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
    const eventType = await this.store.updateEventType({ name, changes });
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
      fields: listFields({ format: current.format, schema: latest.schema }),
    });
  }

  async deleteEventType(name: string): Promise<void> {
    await this.assertChangeable({ name });
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
    const prepared = this.prepareVersion({
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
    const result = await this.check({ eventType, schema });
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
    this.parse({ format: eventType.format, schema: options.schema });
    const result = await this.check({ eventType, schema: options.schema });
    const subjectProblem = keptDataSubjectProblem({
      dataSubject: eventType.dataSubject,
      fields: listFields({
        format: eventType.format,
        schema: options.schema,
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
            schema: version.schema,
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

  private async check(options: {
    eventType: EventType;
    schema: string;
  }): Promise<CompatibilityResult> {
    const { eventType, schema } = options;
    const versions = await this.store.listVersions(eventType.name);
    return checkCompatibility({
      format: eventType.format,
      mode: eventType.compatibility,
      candidate: schema,
      previous: versions.map(v => v.schema),
    });
  }

  private prepareVersion(options: {
    format: EventTypeFormat;
    schema: string;
    createdBy: string;
  }): NewVersion {
    const { format, schema, createdBy } = options;
    this.parse({ format, schema });
    const canonical = canonicalSchema({ format, schema });
    return {
      schema,
      fingerprint: `sha256:${createHash('sha256')
        .update(canonical)
        .digest('hex')}`,
      fields: listFields({ format, schema }),
      createdBy,
    };
  }

  private parse(options: { format: EventTypeFormat; schema: string }) {
    try {
      parseSchema({
        format: options.format,
        schema: options.schema,
        limits: {
          maxBytes: this.config.limits.maxSchemaBytes,
          maxDepth: this.config.limits.maxSchemaDepth,
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
