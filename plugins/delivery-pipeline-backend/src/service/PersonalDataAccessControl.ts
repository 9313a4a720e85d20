import {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { personalDataReadPermission } from '@internal/plugin-delivery-pipeline-common';
import { EventType } from '@internal/plugin-event-schemas-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { PersonalDataAccess } from '../personalData/PersonalDataReader';
import {
  PersonalDataFields,
  personalDataFieldsOf,
} from '../personalData/personalDataFields';

/**
 * Who may read which type's personal data in clear (the permission
 * `delivery-pipeline.personal-data.read`, decided by the portal's policy
 * per event type), and the audit record of every clear read.
 */
export class PersonalDataAccessControl {
  readonly #permissions: PermissionsService;
  readonly #auditor: AuditorService;
  readonly #eventTypes: {
    getEventType(name: string): Promise<EventType | undefined>;
  };

  constructor(options: {
    permissions: PermissionsService;
    auditor: AuditorService;
    eventTypes: { getEventType(name: string): Promise<EventType | undefined> };
  }) {
    this.#permissions = options.permissions;
    this.#auditor = options.auditor;
    this.#eventTypes = options.eventTypes;
  }

  /**
   * The type's personal data; `undefined` for a registered type without
   * any. A type the registry does not know (deleted, never registered) may
   * have held some: all its fields are treated as personal.
   */
  async fieldsOf(
    eventType: string,
  ): Promise<PersonalDataFields | 'unknown' | undefined> {
    const type = await this.#eventTypes.getEventType(eventType);
    return type ? personalDataFieldsOf(type) : 'unknown';
  }

  /** One decision per type, asked of the policy in one request. */
  async accessFor(
    credentials: BackstageCredentials,
    eventTypes: string[],
  ): Promise<Map<string, PersonalDataAccess>> {
    const names = [...new Set(eventTypes)];
    const decisions = names.length
      ? await this.#permissions.authorize(
          names.map(name => ({
            permission: personalDataReadPermission,
            resourceRef: name,
          })),
          { credentials },
        )
      : [];
    return new Map(
      names.map((name, i) => [
        name,
        decisions[i].result === AuthorizeResult.ALLOW ? 'clear' : 'masked',
      ]),
    );
  }

  /**
   * Records a clear read of personal data around the read itself: who
   * (from the request), what (`meta`: the type, the partition), and how
   * much (the `counts` the read returns, e.g. rows and values shown).
   */
  async auditedRead<T>(
    req: Request,
    meta: JsonObject,
    read: () => Promise<{ result: T; counts: JsonObject }>,
  ): Promise<T> {
    const event = await this.#auditor.createEvent({
      eventId: 'personal-data-read',
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const { result, counts } = await read();
      await event.success({ meta: counts });
      return result;
    } catch (error) {
      await event.fail({ error: toError(error) });
      throw error;
    }
  }
}
