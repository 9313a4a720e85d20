import {
  ERASED_VALUE,
  FailedEvent,
  MASKED_VALUE,
  parseCiphertext,
  parsePseudonym,
  readFieldValue,
  replaceFieldValues,
  replaceLeaves,
  UNREADABLE_VALUE,
} from '@data-collection/plugin-delivery-pipeline-common';
import { StoredFailedEvent } from '../database/FailedEventStore';
import { Keychain } from './Keychain';
import { PersonalDataFields } from './personalDataFields';
import { FAILED_EVENT_PURPOSE } from './PersonalDataProtector';
import { openText, openValue, SealBrokenError } from './sealing';

/** How one reader may see a type's personal data. */
export type PersonalDataAccess = 'clear' | 'masked';

/** What opening one stored value gave. */
export type OpenedValue =
  | { value: unknown }
  | { state: 'erased' | 'unreadable' };

/** Attributes a masked failed event keeps: they are shown beside it anyway. */
const UNMASKED_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
]);

/**
 * Shows stored events to a reader: personal values opened for readers
 * allowed to read them (the permission is the caller's to check, and the
 * read its to audit), masked for everyone else. Values of an erased person
 * read {@link ERASED_VALUE}, changed ones {@link UNREADABLE_VALUE}.
 */
export class PersonalDataReader {
  readonly #keychain: Keychain;

  constructor(options: { keychain: Keychain }) {
    this.#keychain = options.keychain;
  }

  /**
   * Delivered events (preview rows) as the reader may see them, changed in
   * place. Returns how many personal values were shown in clear.
   */
  async revealEvents(options: {
    eventType: string;
    events: Array<Record<string, unknown>>;
    personalData: PersonalDataFields;
    access: PersonalDataAccess;
  }): Promise<{ clearValues: number }> {
    const { eventType, events, personalData, access } = options;
    const subjectPath = personalData.dataSubject;
    if (access === 'masked') {
      for (const event of events) {
        for (const path of personalData.fields) {
          // The pseudonym is not personal in itself: consumers count with it.
          replaceFieldValues(event.data, path, value =>
            path === subjectPath && parsePseudonym(value)
              ? value
              : MASKED_VALUE,
          );
        }
        // Sealed values outside today's fields (the list changed since).
        replaceLeaves(event, 'data', value =>
          parseCiphertext(value) ? MASKED_VALUE : value,
        );
      }
      return { clearValues: 0 };
    }

    const keyIds = new Set<string>();
    const subjectKeyIds = new Set<string>();
    for (const event of events) {
      replaceLeaves(event, 'data', value => {
        const sealed = parseCiphertext(value);
        if (sealed) keyIds.add(sealed.keyId);
        return value;
      });
      const pseudonym = subjectPath
        ? parsePseudonym(readFieldValue(event.data, subjectPath))
        : undefined;
      if (pseudonym) subjectKeyIds.add(pseudonym.keyId);
    }
    const keys = await this.#keychain.keysById(keyIds);
    const subjects = await this.#keychain.subjectsById(subjectKeyIds);
    const shown = { clearValues: 0 };
    const open = (value: unknown) => {
      if (!parseCiphertext(value)) return value;
      const opened = openWith(keys, eventType, value as string);
      if ('value' in opened) {
        shown.clearValues += 1;
        return opened.value;
      }
      return opened.state === 'erased' ? ERASED_VALUE : UNREADABLE_VALUE;
    };
    const identify = (value: unknown) => {
      const pseudonym = parsePseudonym(value);
      if (!pseudonym) return value;
      const subject = subjects.get(pseudonym.keyId);
      if (subject === undefined) return ERASED_VALUE;
      shown.clearValues += 1;
      return subject;
    };
    for (const event of events) {
      replaceLeaves(event, 'data', open);
      if (subjectPath) replaceFieldValues(event.data, subjectPath, identify);
    }
    return shown;
  }

  /**
   * Opens values for the decrypt API: sealed values of `eventType`, and
   * pseudonyms (to the clear subject id).
   */
  async openValues(options: {
    eventType: string;
    values: string[];
  }): Promise<OpenedValue[]> {
    const { eventType, values } = options;
    const keys = await this.#keychain.keysById(
      values.flatMap(v => parseCiphertext(v)?.keyId ?? []),
    );
    const subjects = await this.#keychain.subjectsById(
      values.flatMap(v => parsePseudonym(v)?.keyId ?? []),
    );
    return values.map(value => {
      const pseudonym = parsePseudonym(value);
      if (pseudonym) {
        const subject = subjects.get(pseudonym.keyId);
        return subject === undefined ? { state: 'erased' } : { value: subject };
      }
      return openWith(keys, eventType, value);
    });
  }

  /**
   * Failed events as the reader may see them: payloads opened, then masked
   * where `access` says so.
   */
  async revealFailedEvents(
    items: StoredFailedEvent[],
    access: (eventType: string | undefined) => PersonalDataAccess,
  ): Promise<FailedEvent[]> {
    const opened = await this.openFailedPayloads(items);
    return opened.map(({ keyId: _keyId, ...event }) =>
      access(event.eventType) === 'clear'
        ? event
        : {
            ...event,
            payload: maskPayload(event.payload),
            payloadMasked: true,
          },
    );
  }

  /**
   * Failed events with their payloads opened, for a replay (whose caller
   * may change the type) or a reader. A payload whose key is gone (its
   * subject was erased meanwhile) reads {@link ERASED_VALUE}.
   */
  async openFailedPayloads(
    items: StoredFailedEvent[],
  ): Promise<StoredFailedEvent[]> {
    const keys = await this.#keychain.keysById(
      items.flatMap(item => item.keyId ?? []),
    );
    return items.map(item => {
      if (!item.keyId) return item; // kept before payloads were sealed
      const key = keys.get(item.keyId);
      if (!key) return { ...item, payload: ERASED_VALUE };
      try {
        return {
          ...item,
          payload: openText(key, FAILED_EVENT_PURPOSE, item.payload),
        };
      } catch (error) {
        if (error instanceof SealBrokenError) {
          return { ...item, payload: UNREADABLE_VALUE };
        }
        throw error;
      }
    });
  }
}

function openWith(
  keys: Map<string, import('./sealing').DataKey>,
  eventType: string,
  value: string,
): OpenedValue {
  const sealed = parseCiphertext(value);
  const key = sealed && keys.get(sealed.keyId);
  if (!sealed) return { state: 'unreadable' };
  if (!key) return { state: 'erased' };
  try {
    return { value: openValue(key, eventType, value) };
  } catch (error) {
    if (error instanceof SealBrokenError) return { state: 'unreadable' };
    throw error;
  }
}

/**
 * A failed event's payload for a reader who may not read its personal
 * data. The event was refused, so nothing says where personal data sits
 * in it: every value is masked but the attributes shown beside it.
 */
function maskPayload(payload: string): string {
  let event: unknown;
  try {
    event = JSON.parse(payload);
  } catch {
    return MASKED_VALUE;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return MASKED_VALUE;
  }
  const record = event as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!UNMASKED_ATTRIBUTES.has(name)) {
      replaceLeaves(record, name, () => MASKED_VALUE);
    }
  }
  return JSON.stringify(record);
}
