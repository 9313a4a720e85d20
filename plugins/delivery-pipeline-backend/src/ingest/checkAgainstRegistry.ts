import { ServiceUnavailableError } from '@backstage/errors';
import { TransportEvent } from '@data-collection/plugin-delivery-pipeline-node';
import {
  deprecatedEventTypeNotice,
  EVENT_TYPE_NAME_RULE,
  EventType,
  isValidEventTypeName,
} from '@data-collection/plugin-event-schemas-common';
import {
  PersonalDataFields,
  personalDataFieldsOf,
} from '../personalData/personalDataFields';
import { EventTypeValidators } from '../registry/EventTypeValidators';
import { CloudEventJson, ParseItem } from './binding';
import { Producer } from './ProducerAuthorization';

/** An event that failed a check, with what a failed-events store keeps. */
export type Rejection = {
  /** Position in the request: the batch index, 0 otherwise. */
  index: number;
  reason: string;
  /** Over the size limit: a single-event request answers 413. */
  tooLarge?: boolean;
  /** Of a retired event type: a single-event request answers 410. */
  retired?: true;
  payload: string;
  eventType?: string;
  source?: string;
  eventId?: string;
  /** Where the type keeps its data subject, when the type is known. */
  dataSubject?: string;
  /** Not kept as a failed event: its data subject's events are refused. */
  discard?: true;
  /**
   * The producer may not send it: never kept (it is not the producer's to
   * fill the type's failed events with), and a request of nothing else
   * gets 403.
   */
  refused?: true;
};

/** An event that passed every check, not yet stamped with its receive time. */
export type CheckedEvent = {
  /** Position in the request, as in {@link Rejection}. */
  index: number;
  eventType: string;
  event: CloudEventJson;
  /** The CloudEvent in the JSON format. */
  json: string;
  /** The type's personal data, when it has any: sealed before publishing. */
  personalData?: PersonalDataFields;
};

/**
 * A deprecated event type some accepted events were of: its producers are
 * told with every request, not only by the reminders its consumers get.
 */
export type DeprecatedEventType = {
  eventType: string;
  /** Why, when it stops accepting events and what to send instead. */
  notice: string;
  deprecatedAt: string;
  sunsetAt?: string;
  successor?: string;
};

/** The outcome of checking the events of one request. */
export type CheckedEvents = {
  accepted: CheckedEvent[];
  rejected: Rejection[];
  /** Each deprecated type of the accepted events, once. */
  deprecated: DeprecatedEventType[];
};

/** `.../event-types/<name>/versions/<n>`: what the registry puts in `dataschema`. */
const VERSION_URL = /\/event-types\/([^/]+)\/versions\/([1-9]\d*)$/;

/** What a `dataschema` URL names, or why it names nothing. */
type NamedVersion =
  | { eventType: string; version: number }
  | { problem: string }
  | typeof NOT_A_VERSION_URL;

/** Its message quotes the event's type, so the caller writes it. */
const NOT_A_VERSION_URL = { problem: 'not a version URL' } as const;

/**
 * Most event types one request looks up: a batch of a thousand made-up
 * types would otherwise cost the registry a thousand look-ups.
 */
const MAX_TYPES_PER_REQUEST = 100;

/** Validation errors quoted per event: enough to fix it, bounded in size. */
const MAX_ERRORS_QUOTED = 5;

/**
 * Checks parsed events against the registry: the producer may send them
 * (decided once per distinct type, before anything else), the type is
 * registered, and `data` follows the version named by `dataschema` (the
 * latest when there is none).
 */
export async function checkAgainstRegistry(options: {
  items: ParseItem[];
  producer: Producer;
  validators: EventTypeValidators;
}): Promise<CheckedEvents> {
  const { items, producer, validators } = options;
  const refusalOf = await refusalsOf(items, producer);
  // A batch is mostly one or two types: look each version up once, and
  // keep what it found, so that the other events of the version wait for
  // nothing (an await per event costs a microtask turn per event).
  // (refusalsOf has refused the events of types beyond the request's cap.)
  const lookups = new Map<string, LookedUp>();
  const accepted: CheckedEvent[] = [];
  const rejected: Rejection[] = [];
  // Per type, once: undefined for a type that is not deprecated.
  const deprecated = new Map<string, DeprecatedEventType | undefined>();
  // Bounded like the look-ups: by the request's events.
  const validNames = new Set<string>();
  const schemaUrls = new Map<string, NamedVersion>();

  for (let position = 0; position < items.length; position++) {
    const item = items[position];
    const refusal = refusalOf[position];
    if (refusal) {
      const attributes = item.ok ? item.parsed.event : item;
      rejected.push({
        index: item.index,
        reason: refusal,
        payload: '',
        eventType: attributes.type,
        source: attributes.source,
        eventId: attributes.id,
        discard: true,
        refused: true,
      });
      continue;
    }
    if (!item.ok) {
      rejected.push({
        index: item.index,
        reason: item.reason,
        tooLarge: item.tooLarge,
        payload: item.raw,
        eventType: item.type,
        source: item.source,
        eventId: item.id,
      });
      continue;
    }
    const { event, json } = item.parsed;
    const reject = (reason: string, dataSubject?: string, retired?: true) =>
      rejected.push({
        index: item.index,
        reason,
        payload: json,
        eventType: event.type,
        source: event.source,
        eventId: event.id,
        dataSubject,
        ...(retired ? { retired } : {}),
      });

    // Checked before any lookup: the type names folders, objects and
    // tables, and a name the registry would not accept costs no lookup.
    if (!validNames.has(event.type)) {
      if (!isValidEventTypeName(event.type)) {
        reject(
          `Event type '${event.type}' is not a valid name: ${EVENT_TYPE_NAME_RULE}`,
        );
        continue;
      }
      validNames.add(event.type);
    }

    let version: number | undefined;
    // What the look-up is kept by: the type for its latest version, the
    // URL (which names type and version) for a pinned one.
    let key = event.type;
    if (typeof event.dataschema === 'string') {
      // A batch mostly names one or two versions: read each URL once.
      let named = schemaUrls.get(event.dataschema);
      if (!named) {
        named = versionNamed(event.dataschema);
        schemaUrls.set(event.dataschema, named);
      }
      if (named === NOT_A_VERSION_URL) {
        reject(
          `dataschema '${event.dataschema}' is not a schema registry version URL (…/api/event-schemas/event-types/${event.type}/versions/<n>); leave it out to use the latest version`,
        );
        continue;
      }
      if ('problem' in named) {
        reject(named.problem);
        continue;
      }
      if (named.eventType !== event.type) {
        reject(
          `dataschema names event type '${named.eventType}' but the event's type is '${event.type}'`,
        );
        continue;
      }
      version = named.version;
      key = event.dataschema;
    }

    let found = lookups.get(key);
    if (!found) {
      found = await lookUp(validators, event.type, version);
      lookups.set(key, found);
    }
    if ('reason' in found) {
      reject(found.reason, undefined, found.retired);
      continue;
    }
    const personalData = personalDataFieldsOf(found.eventType);
    if (event.data === undefined) {
      reject(
        `Event has no data; events of type '${event.type}' carry data that follows version ${found.version} of its schema`,
        personalData?.dataSubject,
      );
      continue;
    }
    const result = found.validate(event.data);
    if (!result.valid) {
      const quoted = result.errors.slice(0, MAX_ERRORS_QUOTED).join('; ');
      const more =
        result.errors.length > MAX_ERRORS_QUOTED
          ? ` (and ${result.errors.length - MAX_ERRORS_QUOTED} more)`
          : '';
      reject(
        `data does not follow version ${found.version} of '${event.type}': ${quoted}${more}`,
        personalData?.dataSubject,
      );
      continue;
    }
    accepted.push({
      index: item.index,
      eventType: event.type,
      event,
      json,
      personalData,
    });
    if (!deprecated.has(event.type)) {
      deprecated.set(event.type, deprecationOf(found.eventType));
    }
  }
  return {
    accepted,
    rejected,
    deprecated: [...deprecated.values()].filter(d => d !== undefined),
  };
}

function deprecationOf(eventType: EventType): DeprecatedEventType | undefined {
  const notice = deprecatedEventTypeNotice(eventType);
  const deprecation = eventType.deprecation;
  if (!notice || !deprecation) return undefined;
  return {
    eventType: eventType.name,
    notice,
    deprecatedAt: deprecation.deprecatedAt,
    ...(deprecation.sunsetAt ? { sunsetAt: deprecation.sunsetAt } : {}),
    ...(deprecation.successor ? { successor: deprecation.successor } : {}),
  };
}

/**
 * Why the producer may not send each item, by its position in `items`,
 * decided once per distinct type. An item that could not be parsed but
 * names a type counts too: otherwise anyone could fill another team's
 * failed events by sending them broken. Its source is checked only when it
 * has one; it is never delivered.
 */
async function refusalsOf(
  items: ParseItem[],
  producer: Producer,
): Promise<Array<string | undefined>> {
  // Deciding may cost a registry look-up per type: only names the registry
  // could hold, and no more types than a request may carry. The events of
  // any further type are refused here, so they are not kept as failed
  // events of a type nobody decided on.
  const types = new Set<string>();
  const refusals = new Array<string | undefined>(items.length).fill(undefined);
  const claims: Array<{ type: string; source?: string }> = [];
  const claimedPositions: number[] = [];
  for (let position = 0; position < items.length; position++) {
    const item = items[position];
    const attributes = item.ok ? item.parsed.event : item;
    const type = attributes.type;
    if (type === undefined) continue;
    // Each name is checked once: the set holds only valid ones.
    if (!types.has(type)) {
      if (!isValidEventTypeName(type)) continue;
      if (types.size >= MAX_TYPES_PER_REQUEST) {
        refusals[
          position
        ] = `A request may hold events of at most ${MAX_TYPES_PER_REQUEST} event types; send events of '${type}' in another request`;
        continue;
      }
      types.add(type);
    }
    claims.push({ type, source: attributes.source });
    claimedPositions.push(position);
  }
  const decided = await producer.refusals(claims);
  claimedPositions.forEach((position, i) => {
    refusals[position] = decided[i];
  });
  return refusals;
}

/**
 * Stamps checked events with their receive time, ready for the transport.
 * Call it right before publishing, with nothing awaited in between: the
 * transport's low watermark covers an event from the moment it is handed
 * over, so a receive time taken earlier (before a slow registry lookup, say)
 * could fall behind a watermark already reported.
 */
export function stampReceived(
  accepted: CheckedEvent[],
  receivedAt: number,
): TransportEvent[] {
  const receivedAtJson = JSON.stringify(new Date(receivedAt).toISOString());
  return accepted.map(({ eventType, json }) => ({
    eventType,
    receivedAt,
    // The JSON of an object with attributes ends in `}`: append the receive
    // time without serializing the event a second time.
    line: `${json.slice(0, -1)},"receivedAt":${receivedAtJson}}`,
  }));
}

function versionNamed(dataschema: string): NamedVersion {
  const match = VERSION_URL.exec(dataschema);
  if (!match) return NOT_A_VERSION_URL;
  const named = decodePathSegment(match[1]);
  if (named === undefined) {
    return {
      problem: `dataschema '${dataschema}' has a malformed percent escape in the event type's name`,
    };
  }
  return { eventType: named, version: Number(match[2]) };
}

/** A percent-encoded path segment, or `undefined` when an escape is malformed. */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

type LookedUp = Awaited<ReturnType<EventTypeValidators['get']>>;

/**
 * The registry being unreachable is not the event's fault: the request gets
 * 503 and the producer retries; the event is not kept as failed.
 */
async function lookUp(
  validators: EventTypeValidators,
  eventType: string,
  version: number | undefined,
) {
  try {
    return await validators.get(eventType, version);
  } catch (error) {
    throw new ServiceUnavailableError(
      `The schema registry could not be reached to check events of '${eventType}'; retry later`,
      error,
    );
  }
}
