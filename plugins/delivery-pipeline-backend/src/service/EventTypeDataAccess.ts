import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, toError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';

/** A permission on the registry's event types, such as reading failed events. */
export type EventTypePermission = ResourcePermission<'event-type'>;

/**
 * Who may read an event type's data (failed events, previews), decided by
 * the permission policy per type, and the audit record of every read,
 * replay and refusal.
 */
export class EventTypeDataAccess {
  readonly #permissions: PermissionsService;
  readonly #auditor: AuditorService;

  constructor(options: {
    permissions: PermissionsService;
    auditor: AuditorService;
  }) {
    this.#permissions = options.permissions;
    this.#auditor = options.auditor;
  }

  /** Those of `eventTypes` the caller may act on: one policy request for all. */
  async allowedTypes(
    credentials: BackstageCredentials,
    permission: EventTypePermission,
    eventTypes: Iterable<string>,
  ): Promise<Set<string>> {
    const names = [...new Set(eventTypes)];
    if (names.length === 0) return new Set();
    const decisions = await this.#permissions.authorize(
      names.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(
      names.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW),
    );
  }

  /**
   * Whether the caller may act on data of no known type (an event whose
   * type could not be read): only when the policy allows the permission
   * unconditionally, as the suite's policy does for the admins.
   */
  async allowedWithoutType(
    credentials: BackstageCredentials,
    permission: EventTypePermission,
  ): Promise<boolean> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /**
   * Runs `run` as an audited action: who (from the request), what (`meta`),
   * and its outcome, a refusal included; `run` may add to the record (e.g.
   * how many items it returned or withheld).
   */
  async audited<T>(options: {
    req: Request;
    eventId: string;
    meta: JsonObject;
    run: () => Promise<{ result: T; meta?: JsonObject }>;
  }): Promise<T> {
    const event = await this.#auditor.createEvent({
      eventId: options.eventId,
      severityLevel: 'medium',
      request: options.req,
      meta: options.meta,
    });
    try {
      const { result, meta } = await options.run();
      await event.success({ meta });
      return result;
    } catch (error) {
      await event.fail({ error: toError(error) });
      throw error;
    }
  }

  /** Records a refusal that is not an error of the request as a whole. */
  async auditRefusal(options: {
    req: Request;
    eventId: string;
    meta: JsonObject;
    reason: string;
  }): Promise<void> {
    const event = await this.#auditor.createEvent({
      eventId: options.eventId,
      severityLevel: 'medium',
      request: options.req,
      meta: options.meta,
    });
    await event.fail({ error: new NotAllowedError(options.reason) });
  }
}
