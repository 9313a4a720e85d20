import {
  PSEUDONYM_PREFIX,
  readFieldValue,
  replaceFieldValues,
} from '@data-collection/plugin-delivery-pipeline-common';
import { CheckedEvent, Rejection } from '../ingest/checkAgainstRegistry';
import { Keychain, SubjectKey } from './Keychain';
import { DataKey, flat, sealText, sealValue } from './sealing';

/** What {@link PersonalDataProtector.protect} returns. */
export type ProtectedEvents = {
  accepted: CheckedEvent[];
  /** Events without a data subject, or whose subject's events are refused. */
  rejected: Rejection[];
};

/** A failed event's payload as the failed-events store keeps it. */
export type SealedPayload = { payload: string; keyId: string };

/**
 * Sealing is deterministic, so a person's values seen lately are not sealed
 * again (sealing costs about 8 µs, a lookup well under 1). Remembered per
 * key and event type, with the key: when the keychain forgets a key (its
 * cache TTL, an erasure), what it sealed goes too. Strings only: ids,
 * emails, addresses, names.
 */
const MEMO_PER_KEY = 16;
/** Only short values are remembered. */
const MEMO_MAX_CHARS = 256;
/** What a failed event's payload is sealed for. */
export const FAILED_EVENT_PURPOSE = 'failed-event';

/**
 * Ingest's last step before the transport: every personal field of an
 * event is replaced by its value sealed with the data subject's key, and
 * the subject's field by the subject's pseudonym. Validation saw the clear
 * values; nothing after this does. Failed events are sealed whole.
 */
export class PersonalDataProtector {
  readonly #keychain: Keychain;
  readonly #memo = new WeakMap<DataKey, Map<string, Map<string, string>>>();
  /** Each key's pseudonym, made once. */
  readonly #pseudonyms = new WeakMap<DataKey, string>();

  constructor(options: { keychain: Keychain }) {
    this.#keychain = options.keychain;
  }

  async protect(events: CheckedEvent[]): Promise<ProtectedEvents> {
    const accepted: CheckedEvent[] = [];
    const rejected: Rejection[] = [];
    const waiting: Array<{ event: CheckedEvent; subject: string }> = [];
    const reject = (event: CheckedEvent, reason: string, discard?: true) =>
      rejected.push({
        index: event.index,
        reason,
        payload: event.json,
        eventType: event.eventType,
        source: event.event.source,
        eventId: event.event.id,
        dataSubject: event.personalData?.dataSubject,
        discard,
      });

    for (const event of events) {
      const personal = event.personalData;
      if (!personal) {
        accepted.push(event);
        continue;
      }
      if (!personal.dataSubject) {
        reject(
          event,
          `Event type '${event.eventType}' has personal data fields but no data subject, so its personal data cannot be encrypted per person; its owners must set dataSubject (PATCH /api/event-schemas/event-types/${event.eventType}) before events are accepted`,
        );
        continue;
      }
      const subject = readFieldValue(event.event.data, personal.dataSubject);
      if (typeof subject !== 'string' || subject === '') {
        reject(
          event,
          `data.${
            personal.dataSubject
          } must name the person the event is about (the data subject of '${
            event.eventType
          }'): a non-empty string; got ${
            subject === '' ? 'an empty string' : 'none'
          }`,
        );
        continue;
      }
      waiting.push({ event, subject });
    }
    if (waiting.length === 0) return { accepted, rejected };

    const keys = await this.#keychain.keysForSubjects(
      waiting.map(w => w.subject),
    );
    for (const { event, subject } of waiting) {
      const resolved = keys.get(subject)!;
      if (!('key' in resolved)) {
        reject(
          event,
          `The data subject of this event was erased and asked that events about them no longer be collected; the event was dropped`,
          true,
        );
        continue;
      }
      accepted.push(this.#seal(event, resolved.key));
    }
    // Keep the request's order: the transport receives events as sent.
    accepted.sort((a, b) => a.index - b.index);
    return { accepted, rejected };
  }

  /**
   * Seals failed events' payloads: with the data subject's key when the
   * payload names one (so erasing the person deletes them), else with the
   * failed-events store's key. `undefined` for the events of a person whose
   * events are refused: they are not kept either.
   */
  async sealFailed(
    rejections: Rejection[],
  ): Promise<Array<SealedPayload | undefined>> {
    const subjects = rejections.map(r => failedSubject(r));
    const known = subjects.filter((s): s is string => s !== undefined);
    const keys = known.length
      ? await this.#keychain.keysForSubjects(known)
      : new Map<string, SubjectKey>();
    let storeKey: DataKey | undefined;
    const sealed: Array<SealedPayload | undefined> = [];
    for (let i = 0; i < rejections.length; i++) {
      const subject = subjects[i];
      const resolved = subject === undefined ? undefined : keys.get(subject);
      if (resolved && !('key' in resolved)) {
        sealed.push(undefined);
        continue;
      }
      const key =
        resolved?.key ?? (storeKey ??= await this.#keychain.failedEventsKey());
      sealed.push({
        payload: sealText(key, FAILED_EVENT_PURPOSE, rejections[i].payload),
        keyId: key.keyId,
      });
    }
    return sealed;
  }

  #seal(checked: CheckedEvent, key: DataKey): CheckedEvent {
    const { event, personalData } = checked;
    const subjectPath = personalData!.dataSubject!;
    // The parsed event is ingest's own copy: sealed in place.
    const data = event.data;
    for (const path of personalData!.fields) {
      if (path === subjectPath) continue;
      replaceFieldValues(data, path, value =>
        this.#sealValue(key, checked.eventType, value),
      );
    }
    const pseudonym = this.#pseudonymOf(key);
    replaceFieldValues(data, subjectPath, () => pseudonym);
    checked.json = JSON.stringify(event);
    return checked;
  }

  #pseudonymOf(key: DataKey): string {
    let pseudonym = this.#pseudonyms.get(key);
    if (pseudonym === undefined) {
      pseudonym = flat(PSEUDONYM_PREFIX + key.keyId);
      this.#pseudonyms.set(key, pseudonym);
    }
    return pseudonym;
  }

  #sealValue(key: DataKey, eventType: string, value: unknown): string {
    if (typeof value !== 'string' || value.length > MEMO_MAX_CHARS) {
      return sealValue(key, eventType, value);
    }
    let byType = this.#memo.get(key);
    if (!byType) {
      byType = new Map();
      this.#memo.set(key, byType);
    }
    let memo = byType.get(eventType);
    if (!memo) {
      memo = new Map();
      byType.set(eventType, memo);
    }
    let sealed = memo.get(value);
    if (sealed === undefined) {
      sealed = sealValue(key, eventType, value);
      if (memo.size >= MEMO_PER_KEY) memo.delete(memo.keys().next().value!);
      memo.set(value, sealed);
    }
    return sealed;
  }
}

/** The data subject named in a rejected event's payload, if it can be read. */
function failedSubject(rejection: Rejection): string | undefined {
  if (!rejection.dataSubject) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(rejection.payload);
  } catch {
    return undefined;
  }
  const subject = readFieldValue(
    (event as { data?: unknown } | null)?.data,
    rejection.dataSubject,
  );
  return typeof subject === 'string' && subject !== '' ? subject : undefined;
}
