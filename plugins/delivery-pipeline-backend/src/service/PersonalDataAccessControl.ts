import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, toError } from '@backstage/errors';
import {
  FailedEvent,
  PersonalDataView,
  personalDataReadPermission,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  EVENT_TYPE_NAME_LOOKUP_PATTERN,
  EventType,
} from '@data-collection/plugin-event-schemas-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { StoredFailedEvent } from '../database/FailedEventStore';
import {
  PersonalDataAccess,
  PersonalDataReader,
} from '../personalData/PersonalDataReader';
import {
  PersonalDataFields,
  personalDataFieldsOf,
} from '../personalData/personalDataFields';
import { EventTypeDataAccess } from './EventTypeDataAccess';

/**
 * Who may read which type's personal data in clear (the permission
 * `delivery-pipeline.personal-data.read`, decided by the portal's policy
 * per event type), what they get to see, and the audit record of every
 * clear read.
 */
export class PersonalDataAccessControl {
  readonly #dataAccess: EventTypeDataAccess;
  readonly #reader: PersonalDataReader;
  readonly #eventTypes: {
    getEventType(name: string): Promise<EventType | undefined>;
  };

  constructor(options: {
    dataAccess: EventTypeDataAccess;
    reader: PersonalDataReader;
    eventTypes: { getEventType(name: string): Promise<EventType | undefined> };
  }) {
    this.#dataAccess = options.dataAccess;
    this.#reader = options.reader;
    this.#eventTypes = options.eventTypes;
  }

  /**
   * Delivered events (a preview's rows) as the caller may see them, changed
   * in place; how personal data shows in them, `undefined` when the type
   * has none.
   */
  async revealPreview(options: {
    req: Request;
    credentials: BackstageCredentials;
    eventType: string;
    partitionStart: string;
    rows: Array<Record<string, unknown>>;
  }): Promise<PersonalDataView | undefined> {
    const { req, credentials, eventType, rows } = options;
    const personalData = await this.#fieldsOf(eventType);
    if (!personalData) return undefined;
    const access = (await this.#accessFor(credentials, [eventType])).get(
      eventType,
    )!;
    const reveal = () =>
      this.#reader.revealEvents({
        eventType,
        events: rows,
        personalData,
        access,
      });
    if (access === 'clear') {
      await this.auditedRead(
        req,
        { eventType, partition: options.partitionStart },
        async () => ({
          result: undefined,
          counts: { rows: rows.length, values: (await reveal()).clearValues },
        }),
      );
    } else {
      await reveal();
    }
    return {
      fields: personalData.fields,
      dataSubject: personalData.dataSubject,
      access,
    };
  }

  /**
   * Failed events as the caller may see them. A refused event may hold
   * personal data anywhere, so only those of a type known to have none are
   * shown in clear to everyone; the others to readers the policy allows
   * for their type (audited), masked to the rest.
   */
  async revealFailedEvents(options: {
    req: Request;
    credentials: BackstageCredentials;
    items: StoredFailedEvent[];
  }): Promise<FailedEvent[]> {
    const { req, credentials, items } = options;
    const types = [...new Set(items.flatMap(item => item.eventType ?? []))];
    const withoutPersonalData = new Set<string>();
    for (const eventType of types) {
      if ((await this.#fieldsOf(eventType)) === undefined) {
        withoutPersonalData.add(eventType);
      }
    }
    const decisions = await this.#accessFor(
      credentials,
      types.filter(type => !withoutPersonalData.has(type)),
    );
    // Without a type, the policy has nothing to decide on: masked.
    const accessOf = (eventType?: string): PersonalDataAccess =>
      eventType && withoutPersonalData.has(eventType)
        ? 'clear'
        : (eventType && decisions.get(eventType)) || 'masked';
    const clearReads = items.filter(
      item =>
        item.eventType &&
        !withoutPersonalData.has(item.eventType) &&
        accessOf(item.eventType) === 'clear',
    );
    const reveal = () => this.#reader.revealFailedEvents(items, accessOf);
    if (clearReads.length === 0) return reveal();
    return this.auditedRead(
      req,
      {
        eventType: [...new Set(clearReads.map(item => item.eventType!))],
        partition: 'failed-events',
      },
      async () => ({
        result: await reveal(),
        counts: { rows: clearReads.length },
      }),
    );
  }

  /** Whether the caller may read the type's personal data in clear. */
  async mayRead(
    credentials: BackstageCredentials,
    eventType: string,
  ): Promise<boolean> {
    const decision = await this.#accessFor(credentials, [eventType]);
    return decision.get(eventType) === 'clear';
  }

  /**
   * The type's personal data; `undefined` for a registered type without
   * any. A type the registry does not know (deleted, never registered) may
   * have held some: every sealed value of it counts as personal.
   */
  async #fieldsOf(eventType: string): Promise<PersonalDataFields | undefined> {
    // A failed event's type may be anything a producer sent; one that no
    // type can have is not asked for (the registry would answer 400).
    if (!EVENT_TYPE_NAME_LOOKUP_PATTERN.test(eventType)) {
      return { fields: [] };
    }
    let type: EventType | undefined;
    try {
      type = await this.#eventTypes.getEventType(eventType);
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not read the personal data fields of '${eventType}' from the schema registry: ${
          toError(error).message
        }`,
      );
    }
    return type ? personalDataFieldsOf(type) : { fields: [] };
  }

  /** One decision per type, asked of the policy in one request. */
  async #accessFor(
    credentials: BackstageCredentials,
    eventTypes: string[],
  ): Promise<Map<string, PersonalDataAccess>> {
    const allowed = await this.#dataAccess.allowedTypes(
      credentials,
      personalDataReadPermission,
      eventTypes,
    );
    return new Map(
      eventTypes.map(name => [name, allowed.has(name) ? 'clear' : 'masked']),
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
    return this.#dataAccess.audited({
      req,
      eventId: 'personal-data-read',
      meta,
      run: async () => {
        const { result, counts } = await read();
        return { result, meta: counts };
      },
    });
  }
}
