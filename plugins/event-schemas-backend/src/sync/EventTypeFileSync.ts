import {
  AuditorService,
  AuthService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, isError, NotFoundError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_EVENT_TYPE_FILES,
  EventType,
  EventTypeManagedBy,
} from '@data-collection/plugin-event-schemas-common';
import { createHash } from 'node:crypto';
import {
  EventTypeFileOutcome,
  EventTypeFileStore,
  StoredFileOutcome,
} from '../database/EventTypeFileStore';
import {
  IncompatibleSchemaError,
  SchemaRegistry,
} from '../registry/SchemaRegistry';
import { audited } from '../service/audited';
import { RegistryConfig } from '../service/config';
import {
  createEventTypeRequest,
  CreateEventTypeRequest,
  parseRequest,
  updateEventTypeRequest,
  UpdateEventTypeRequest,
} from '../service/requests';
import {
  eventTypeFilesLocation,
  eventTypeFileUrl,
} from './eventTypeFilesLocation';
import { EventTypeFileEntry, readEventTypeFiles } from './readEventTypeFiles';

/** Who registers what the sync registers (`createdBy` of its versions). */
export const SYNC_PRINCIPAL = 'service:event-schemas-sync';

export type { EventTypeFileOutcome };

/** What the sync did for one annotated entity. */
export type EntitySyncReport = {
  entityRef: string;
  /** The directory read, once the annotation resolved. */
  location?: string;
  status: 'synced' | 'unchanged' | 'failed';
  /** Why the entity could not be synced, when `failed`. */
  error?: string;
  files: EventTypeFileOutcome[];
  /** Types no longer in a file of the entity: the API may change them again. */
  released: string[];
};

/** A file the rules of the API refuse, with every reason. */
class RefusedFile extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
  }
}

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.owner',
];

/**
 * Syncs event types from the files their owners' repositories declare
 * (`event-schemas/event-types`): registers new types and new versions and
 * applies metadata changes under exactly the API's rules (the request
 * schema of `POST /event-types`, then SchemaRegistry), and records which
 * file manages each type. A repository manages only the types its entity's
 * owner owns. A refused change is stored on its type and its owners are
 * told once.
 */
export class EventTypeFileSync {
  constructor(
    private readonly options: {
      registry: SchemaRegistry;
      fileStore: EventTypeFileStore;
      config: RegistryConfig;
      catalog: CatalogService;
      auth: AuthService;
      urlReader: UrlReaderService;
      integrations: ScmIntegrationRegistry;
      auditor: AuditorService;
      logger: LoggerService;
      /**
       * Tells the rest of the portal (the catalog module) that a type's
       * management or last sync changed, which no registry change announces.
       */
      announce: (name: string) => Promise<void>;
      /** Tells a type's owners about a refused change, once per change. */
      notifyRefusal: (refusal: {
        eventType: EventType;
        managedBy: EventTypeManagedBy;
        reasons: string[];
      }) => Promise<void>;
      /**
       * Tells the owners of an annotated entity about a refused file that
       * manages no type (so no type's owners were told), once per refusal.
       */
      notifyFileRefusal: (refusal: {
        entityRef: string;
        path: string;
        location: string;
        reasons: string[];
      }) => Promise<void>;
    },
  ) {}

  /**
   * Syncs every entity with the annotation, then releases the types whose
   * entity no longer declares files.
   */
  async syncAll(): Promise<EntitySyncReport[]> {
    const { fileStore, logger } = this.options;
    const reports: EntitySyncReport[] = [];
    for (const entity of await this.annotatedEntities()) {
      reports.push(await this.syncEntity(entity));
    }
    const annotated = new Set(reports.map(r => r.entityRef));
    for (const { entityRef } of await fileStore.listSources()) {
      if (!annotated.has(entityRef)) await fileStore.deleteSource(entityRef);
    }
    for (const { name, managedBy } of await fileStore.listManagedEventTypes()) {
      if (!annotated.has(managedBy.entityRef)) {
        await this.release({
          name,
          managedBy,
          why: `${managedBy.entityRef} no longer declares event type files`,
        });
        logger.info(`Released ${name}: ${managedBy.entityRef} is gone`);
      }
    }
    return reports;
  }

  /** Every catalog entity with the annotation. */
  async annotatedEntities(): Promise<Entity[]> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_EVENT_TYPE_FILES}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ENTITY_FIELDS,
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items;
  }

  /** Syncs the entity `entityRef` now; NotFoundError if the catalog has none. */
  async syncEntityRef(entityRef: string): Promise<EntitySyncReport> {
    const { catalog, auth } = this.options;
    const [entity] = (
      await catalog.getEntitiesByRefs(
        { entityRefs: [entityRef], fields: ENTITY_FIELDS },
        { credentials: await auth.getOwnServiceCredentials() },
      )
    ).items;
    if (!entity?.metadata.annotations?.[ANNOTATION_EVENT_TYPE_FILES]) {
      throw new NotFoundError(
        `No catalog entity ${entityRef} with the ${ANNOTATION_EVENT_TYPE_FILES} annotation`,
      );
    }
    return this.syncEntity(entity, { force: true });
  }

  /** The group that owns a catalog entity; undefined if none or no entity. */
  async entityOwner(entityRef: string): Promise<string | undefined> {
    const { catalog, auth } = this.options;
    const [entity] = (
      await catalog.getEntitiesByRefs(
        { entityRefs: [entityRef], fields: ENTITY_FIELDS },
        { credentials: await auth.getOwnServiceCredentials() },
      )
    ).items;
    return entity ? entityOwner(entity) : undefined;
  }

  /**
   * Reads the entity's files and applies them. With `force`, reads the
   * tree even when its etag says it has not changed.
   */
  async syncEntity(
    entity: Entity,
    options?: { force?: boolean },
  ): Promise<EntitySyncReport> {
    const { fileStore, logger } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const report: EntitySyncReport = {
      entityRef,
      status: 'failed',
      files: [],
      released: [],
    };
    try {
      const location = eventTypeFilesLocation({
        entity,
        integrations: this.options.integrations,
      });
      report.location = location;
      const owner = entityOwner(entity);
      // The owner and location are part of the etag: a tree refused for
      // its owner is read again when the entity's owner changes.
      const sourceKey = `${owner}\n${location}\n`;
      const stored = options?.force
        ? undefined
        : await fileStore.getSourceEtag(entityRef);
      const tree = await readEventTypeFiles({
        urlReader: this.options.urlReader,
        url: location,
        etag: stored?.startsWith(sourceKey)
          ? stored.slice(sourceKey.length)
          : undefined,
      });
      if (!tree) {
        report.status = 'unchanged';
        await fileStore.recordSourceSync({
          entityRef,
          location,
          status: 'unchanged',
        });
        return report;
      }
      const paths = new Set(tree.files.map(f => f.path));
      const managed = (await fileStore.listManagedEventTypes()).filter(
        m => m.managedBy.entityRef === entityRef,
      );
      const notified = await fileStore.getRefusalKeys(entityRef);
      const applied: AppliedFile[] = [];
      for (const file of tree.files) {
        applied.push(
          await this.applyFile({
            entityRef,
            owner,
            location,
            file,
            paths,
            managed,
          }),
        );
      }
      report.files = applied.map(a => a.outcome);
      for (const { name, managedBy } of managed) {
        if (!paths.has(managedBy.path)) {
          await this.release({
            name,
            managedBy,
            why: `${managedBy.path} is gone from ${location}`,
          });
          report.released.push(name);
        }
      }
      await fileStore.recordSourceSync({
        entityRef,
        location,
        status: 'synced',
        etag: `${sourceKey}${tree.etag}`,
        files: applied.map(
          (a): StoredFileOutcome => ({
            ...a.outcome,
            refusalKey: a.refusalKey,
          }),
        ),
      });
      report.status = 'synced';
      await this.notifyNewRefusals({ entityRef, applied, notified });
    } catch (error) {
      report.error = isError(error) ? error.message : String(error);
      logger.warn(
        `Could not sync the event type files of ${entityRef}: ${report.error}`,
      );
      try {
        await fileStore.recordSourceSync({
          entityRef,
          location: report.location,
          status: 'failed',
          error: report.error,
        });
      } catch (recordError) {
        // The report still says why; the other entities are synced.
        logger.warn(
          `Could not record the failed sync of ${entityRef}: ${recordError}`,
        );
      }
    }
    return report;
  }

  /**
   * Tells the entity's owners about the refusals of files that manage no
   * type, unless they were told about the same refusal before.
   */
  private async notifyNewRefusals(options: {
    entityRef: string;
    applied: AppliedFile[];
    notified: Map<string, string>;
  }): Promise<void> {
    const { entityRef, applied, notified } = options;
    for (const { outcome, refusalKey, fileUrl, toldTypeOwners } of applied) {
      if (!refusalKey || toldTypeOwners) continue;
      if (notified.get(outcome.path) === refusalKey) continue;
      try {
        await this.options.notifyFileRefusal({
          entityRef,
          path: outcome.path,
          location: fileUrl,
          reasons: outcome.reasons ?? [],
        });
      } catch (error) {
        this.options.logger.warn(
          `Could not tell the owners of ${entityRef} about the refused ${
            outcome.path
          }: ${isError(error) ? error.message : error}`,
        );
      }
    }
  }

  private async applyFile(options: {
    entityRef: string;
    owner: string | undefined;
    location: string;
    file: EventTypeFileEntry;
    paths: Set<string>;
    managed: Array<{ name: string; managedBy: EventTypeManagedBy }>;
  }): Promise<AppliedFile> {
    const { entityRef, location, file } = options;
    const fileUrl = eventTypeFileUrl({
      directory: location,
      path: file.path,
      integrations: this.options.integrations,
    });
    const managedBy: EventTypeManagedBy = {
      entityRef,
      location: fileUrl,
      path: file.path,
    };
    // The type this file manages already, if any: a refusal is shown there.
    let managedName = options.managed.find(
      m => m.managedBy.path === file.path,
    )?.name;
    const changeKey =
      'definition' in file
        ? file.changeKey
        : createHash('sha256').update(file.problems.join('\n')).digest('hex');
    try {
      return {
        fileUrl,
        toldTypeOwners: false,
        outcome: await this.applyDefinition({
          ...options,
          fileUrl,
          managedBy,
          onManaged: name => {
            managedName = name;
          },
        }),
      };
    } catch (error) {
      const reasons = refusalReasons(error);
      if (!reasons) throw error;
      this.options.logger.warn(
        `Refused ${fileUrl} of ${entityRef}: ${reasons.join('; ')}`,
      );
      if (managedName) {
        await this.recordRefusal({
          name: managedName,
          managedBy,
          reasons,
          changeKey,
        });
        await this.options.announce(managedName);
      }
      return {
        fileUrl,
        toldTypeOwners: managedName !== undefined,
        // The same reasons for the same file are one refusal, whatever
        // else changed in the file.
        refusalKey: createHash('sha256')
          .update(`${file.path}\n${reasons.join('\n')}`)
          .digest('hex'),
        outcome: {
          path: file.path,
          eventType: 'definition' in file ? file.definition.name : undefined,
          outcome: 'refused',
          reasons,
        },
      };
    }
  }

  /** Applies a file's definition; throws the reasons it is refused for. */
  private async applyDefinition(options: {
    entityRef: string;
    owner: string | undefined;
    file: EventTypeFileEntry;
    paths: Set<string>;
    fileUrl: string;
    managedBy: EventTypeManagedBy;
    /** Called once the file manages its type, so a later refusal shows there. */
    onManaged: (name: string) => void;
  }): Promise<EventTypeFileOutcome> {
    const { entityRef, owner, file, paths, fileUrl, managedBy } = options;
    if (!('definition' in file)) throw new RefusedFile(file.problems);
    const { request, deprecation } = parseFileRequest(file);
    if (!owner) {
      throw new RefusedFile([
        `${entityRef} is not owned by a group; only a group's repository manages event types`,
      ]);
    }
    if (request.owner !== owner) {
      throw new RefusedFile([
        `owner is ${request.owner}, but ${entityRef} is owned by ${owner}: a repository manages only its owner's event types`,
      ]);
    }
    return await audited({
      auditor: this.options.auditor,
      eventId: 'event-type-sync',
      meta: { entityRef, path: file.path, eventType: request.name },
      run: async () => {
        const existing = await this.findEventType(request.name);
        if (!existing) {
          await this.options.registry.createEventType({
            request,
            createdBy: SYNC_PRINCIPAL,
          });
          if (deprecation) {
            await this.options.registry.updateEventType({
              name: request.name,
              request: { deprecation },
              updatedBy: SYNC_PRINCIPAL,
              fromSync: true,
            });
          }
          options.onManaged(request.name);
          await this.options.fileStore.setManagedBy({
            name: request.name,
            managedBy,
          });
          await this.recordApplied(request.name);
          await this.options.announce(request.name);
          this.options.logger.info(
            `Registered ${request.name} from ${fileUrl}`,
          );
          return {
            path: file.path,
            eventType: request.name,
            outcome: 'created' as const,
          };
        }
        await this.takeOver({ existing, managedBy, owner, paths });
        options.onManaged(request.name);
        const changed = await this.applyChanges({
          existing,
          request,
          deprecation,
        });
        await this.recordApplied(request.name);
        await this.options.announce(request.name);
        return {
          path: file.path,
          eventType: request.name,
          outcome: changed ? ('updated' as const) : ('unchanged' as const),
        };
      },
    });
  }

  /**
   * Makes the file manage an existing type: only a type its owner owns, and
   * not one another file manages (a file moved within the same tree may).
   */
  private async takeOver(options: {
    existing: EventType;
    managedBy: EventTypeManagedBy;
    owner: string;
    paths: Set<string>;
  }): Promise<void> {
    const { existing, managedBy, owner, paths } = options;
    if (existing.owner !== owner) {
      throw new RefusedFile([
        `${existing.name} is registered for ${existing.owner}, not ${owner}: its owners must change its owner before ${managedBy.entityRef} may manage it`,
      ]);
    }
    const current = existing.managedBy;
    if (
      current &&
      (current.entityRef !== managedBy.entityRef ||
        (current.path !== managedBy.path && paths.has(current.path)))
    ) {
      throw new RefusedFile([
        `${existing.name} is already managed in ${current.location} (declared by ${current.entityRef})`,
      ]);
    }
    if (current?.path === managedBy.path) {
      if (current.location !== managedBy.location) {
        await this.options.fileStore.setManagedBy({
          name: existing.name,
          managedBy,
        });
      }
      return;
    }
    await audited({
      auditor: this.options.auditor,
      eventId: 'event-type-managed',
      meta: {
        eventType: existing.name,
        entityRef: managedBy.entityRef,
        location: managedBy.location,
      },
      run: () =>
        this.options.fileStore.setManagedBy({
          name: existing.name,
          managedBy,
        }),
    });
    this.options.logger.info(
      `${existing.name} is now managed in ${managedBy.location}; the API no longer changes it`,
    );
  }

  /** Registers the file's schema and metadata; whether anything changed. */
  private async applyChanges(options: {
    existing: EventType;
    request: CreateEventTypeRequest;
    deprecation: FileDeprecation;
  }): Promise<boolean> {
    const { existing, request, deprecation } = options;
    if (request.format !== existing.format) {
      throw new RefusedFile([
        `format is ${request.format}, but ${existing.name} is registered as ${existing.format}; a type's format never changes: register a new type`,
      ]);
    }
    const { created } = await this.options.registry.registerVersion({
      name: existing.name,
      schema: request.schema,
      createdBy: SYNC_PRINCIPAL,
      fromSync: true,
    });
    const changes = metadataChanges({
      current: existing,
      request,
      deprecation,
      config: this.options.config,
    });
    if (Object.keys(changes).length > 0) {
      await this.options.registry.updateEventType({
        name: existing.name,
        request: changes,
        updatedBy: SYNC_PRINCIPAL,
        fromSync: true,
      });
    }
    return created || Object.keys(changes).length > 0;
  }

  private async findEventType(name: string): Promise<EventType | undefined> {
    try {
      return await this.options.registry.getEventType(name);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  private async recordApplied(name: string): Promise<void> {
    await this.options.fileStore.setLastSync({
      name,
      lastSync: {
        syncedAt: new Date().toISOString(),
        status: 'applied',
        reasons: [],
      },
    });
  }

  private async recordRefusal(options: {
    name: string;
    managedBy: EventTypeManagedBy;
    reasons: string[];
    changeKey: string;
  }): Promise<void> {
    const { name, managedBy, reasons, changeKey } = options;
    const { fileStore, registry, logger } = this.options;
    const previous = await fileStore.getLastSync(name);
    await fileStore.setLastSync({
      name,
      lastSync: {
        syncedAt: new Date().toISOString(),
        status: 'refused',
        reasons,
        location: managedBy.location,
        refusedChangeKey: changeKey,
      },
    });
    if (previous?.refusedChangeKey === changeKey) return;
    try {
      await this.options.notifyRefusal({
        eventType: await registry.getEventType(name),
        managedBy,
        reasons,
      });
    } catch (error) {
      logger.warn(
        `Could not tell the owners of ${name} about the refused change: ${
          isError(error) ? error.message : error
        }`,
      );
    }
  }

  private async release(options: {
    name: string;
    managedBy: EventTypeManagedBy;
    why: string;
  }): Promise<void> {
    const { name, managedBy, why } = options;
    await audited({
      auditor: this.options.auditor,
      eventId: 'event-type-released',
      meta: { eventType: name, entityRef: managedBy.entityRef, reason: why },
      run: async () => {
        await this.options.fileStore.setManagedBy({ name, managedBy: null });
        await this.options.fileStore.setLastSync({ name, lastSync: null });
      },
    });
    await this.options.announce(name);
    this.options.logger.info(
      `${name} is no longer managed from a file (${why}); the API may change it again`,
    );
  }
}

/** A file's deprecation, under the rules of `PATCH /event-types/{name}`. */
type FileDeprecation = UpdateEventTypeRequest['deprecation'];

/**
 * The file as a create request and a deprecation, under the API's own
 * request rules (the lifecycle's rules check the sunset date when applied).
 */
function parseFileRequest(file: {
  path: string;
  definition: EventTypeFileEntry extends infer E
    ? E extends { definition: infer D }
      ? D
      : never
    : never;
}): { request: CreateEventTypeRequest; deprecation: FileDeprecation } {
  const { deprecation, ...definition } = file.definition;
  try {
    return {
      request: parseRequest({
        schema: createEventTypeRequest,
        value: definition,
        what: `event type in ${file.path}`,
      }),
      deprecation: parseRequest({
        schema: updateEventTypeRequest,
        value: deprecation ? { deprecation } : {},
        what: `event type in ${file.path}`,
      }).deprecation,
    };
  } catch (error) {
    if (error instanceof InputError) throw new RefusedFile([error.message]);
    throw error;
  }
}

/** The group that owns the entity, as the registry writes owners. */
function entityOwner(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string') return undefined;
  try {
    const ref = parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace ?? 'default',
    });
    if (ref.kind.toLocaleLowerCase('en-US') !== 'group') return undefined;
    return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/**
 * The PATCH that makes the type say what its file says. A field the file
 * leaves out means what it means in `POST /event-types`: the default.
 */
export function metadataChanges(options: {
  current: EventType;
  request: CreateEventTypeRequest;
  /** The file's deprecation; absent for an active type. */
  deprecation?: FileDeprecation;
  config: RegistryConfig;
}): UpdateEventTypeRequest {
  const { current, request, config } = options;
  const wanted = {
    title: request.title ?? null,
    description: request.description ?? null,
    lifecycle: request.lifecycle ?? 'experimental',
    tags: request.tags ?? [],
    compatibility: request.compatibility ?? 'BACKWARD',
    compatibilityScope: request.compatibilityScope ?? 'ALL',
    deprecation: options.deprecation ?? null,
    retention: {
      raw: request.retention?.raw ?? config.defaults.retention.raw,
      delivered:
        request.retention?.delivered ?? config.defaults.retention.delivered,
    },
    sla: request.sla ?? config.defaults.sla,
    personalDataFields: request.personalDataFields ?? [],
    dataSubject: request.dataSubject ?? null,
  };
  const have = {
    title: current.title ?? null,
    description: current.description ?? null,
    lifecycle: current.lifecycle,
    tags: current.tags,
    compatibility: current.compatibility,
    compatibilityScope: current.compatibilityScope ?? 'ALL',
    // As a file writes it; the registry's own dates (deprecatedAt, a
    // retirement) are not the file's to change.
    deprecation: current.deprecation
      ? {
          reason: current.deprecation.reason,
          ...(current.deprecation.successor
            ? { successor: current.deprecation.successor }
            : {}),
          sunsetAt: current.deprecation.sunsetAt,
        }
      : null,
    retention: current.retention,
    sla: current.sla,
    personalDataFields: current.personalDataFields,
    dataSubject: current.dataSubject ?? null,
  };
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(wanted) as Array<keyof typeof wanted>) {
    if (key === 'deprecation') {
      if (!sameDeprecation(wanted.deprecation, have.deprecation)) {
        changes.deprecation = wanted.deprecation;
      }
    } else if (JSON.stringify(wanted[key]) !== JSON.stringify(have[key])) {
      changes[key] = wanted[key];
    }
  }
  return changes as UpdateEventTypeRequest;
}

/**
 * Whether a file's deprecation is the type's: the same reason and successor,
 * and the same instant as sunset however it is written (`2027-01-01` and
 * `2027-01-01T00:00:00.000Z`), so that a sync does not move the date, and
 * restart the reminders, on every run.
 */
function sameDeprecation(
  wanted: { reason: string; successor?: string; sunsetAt?: string } | null,
  have: { reason: string; successor?: string; sunsetAt?: string } | null,
): boolean {
  if (!wanted || !have) return wanted === have;
  return (
    wanted.reason === have.reason &&
    (wanted.successor ?? null) === (have.successor ?? null) &&
    Date.parse(wanted.sunsetAt ?? '') === Date.parse(have.sunsetAt ?? '')
  );
}

/** The reasons of a refusal by the API's rules; undefined for any other failure. */
function refusalReasons(error: unknown): string[] | undefined {
  if (error instanceof RefusedFile) return error.reasons;
  if (error instanceof IncompatibleSchemaError) {
    return error.result.messages;
  }
  if (
    isError(error) &&
    (error.name === 'InputError' || error.name === 'ConflictError')
  ) {
    return [error.message];
  }
  return undefined;
}

/** A file as the sync applied it, with what its owners were told. */
type AppliedFile = {
  outcome: EventTypeFileOutcome;
  /** The file's URL. */
  fileUrl: string;
  /** Identifies a refusal: the file and the reasons. */
  refusalKey?: string;
  /** Whether the refusal went to the owners of the type the file manages. */
  toldTypeOwners: boolean;
};
