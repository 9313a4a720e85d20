import {
  AttributeLabel,
  checkAttributes,
  jsonAttributeLabel,
} from './attributes';
import { describeValue } from './describeValue';
import type { BindingLimits } from './limits';
import type { CloudEventJson, ParseItem, RejectedItem } from './types';

/** Where an event came from, for the messages and `raw` of a rejection. */
export type EventOrigin = {
  index: number;
  /** The text to keep if the event is rejected; called only then. */
  raw: () => string;
  /** How attributes are named in messages; JSON member names by default. */
  label?: AttributeLabel;
  /** Problems already found (binary headers), reported with the rest. */
  problems?: string[];
  /** Appended when the value is not an object, e.g. a hint about batch mode. */
  notAnObjectHint?: string;
};

/**
 * Turns one parsed JSON value into an accepted or rejected item: checks
 * that it is an object, checks its attributes, serializes it and checks its
 * size. The value must already be known to be within the depth limit (see
 * jsonStructure.ts), because serializing is recursive.
 */
export function checkEvent(
  value: unknown,
  origin: EventOrigin,
  limits: Pick<BindingLimits, 'maxEventBytes'>,
): ParseItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rejectEvent(
      origin,
      `An event must be a JSON object, got ${describeValue(value)}${
        origin.notAnObjectHint ?? ''
      }`,
    );
  }
  const attributes = value as Record<string, unknown>;
  const problems = checkAttributes(
    attributes,
    origin.label ?? jsonAttributeLabel,
  );
  if (origin.problems?.length || problems.length) {
    const all = [...(origin.problems ?? []), ...problems];
    return rejectEvent(origin, all.join('; '), attributes);
  }

  const event = withoutNullAttributes(attributes) as CloudEventJson;
  // Serialized even when the event's own text would do: the stored line
  // must be JSON.stringify's spelling (the deduper relies on it), and
  // checking that a text is so spelled costs more in JavaScript (about 1.4
  // µs for a 667-byte event, measured) than V8's JSON.stringify of an
  // object JSON.parse just built (about 0.45 µs).
  const json = JSON.stringify(event);
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes: count only when it matters.
  if (json.length * 3 > limits.maxEventBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > limits.maxEventBytes) {
      return {
        ...rejectEvent(
          origin,
          `Event too large: its JSON is ${bytes} bytes, more than the limit of ` +
            `${limits.maxEventBytes} bytes per event; make its data smaller`,
          attributes,
        ),
        tooLarge: true,
      };
    }
  }
  return { index: origin.index, ok: true, parsed: { event, json } };
}

/** A rejection, with the identifying attributes of `event` if it has them. */
export function rejectEvent(
  origin: Pick<EventOrigin, 'index' | 'raw'>,
  reason: string,
  event?: Record<string, unknown>,
): RejectedItem {
  const item: RejectedItem = {
    index: origin.index,
    ok: false,
    reason,
    raw: origin.raw(),
  };
  for (const name of ['id', 'type', 'source'] as const) {
    const value = event?.[name];
    if (typeof value === 'string' && value !== '') item[name] = value;
  }
  return item;
}

/**
 * The JSON format says a `null` attribute means unset; dropping it here
 * spares everyone downstream from handling both. (`data: null` is an
 * explicit null payload and stays.) Copies only when there is a null.
 */
function withoutNullAttributes(
  event: Record<string, unknown>,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(event)) {
    if (event[name] === null && name !== 'data') {
      copy ??= { ...event };
      delete copy[name];
    }
  }
  return copy ?? event;
}
