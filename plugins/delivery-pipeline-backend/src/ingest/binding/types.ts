import type { ContentMode } from './contentMode';

/** A CloudEvent in the CloudEvents JSON format, attributes checked. */
export type CloudEventJson = {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  /** Absent when the event has no data; `null` is an explicit null payload. */
  data?: unknown;
  /** Optional and extension attributes; never `null` (null means unset and is dropped). */
  [attribute: string]: unknown;
};

export type ParsedEvent = {
  /** The event as sent (structured, batch) or assembled from headers (binary). */
  event: CloudEventJson;
  /** `JSON.stringify(event)`, at most `maxEventBytes` UTF-8 bytes. */
  json: string;
};

export type AcceptedItem = {
  /** Position in the batch; 0 in structured and binary mode. */
  index: number;
  ok: true;
  parsed: ParsedEvent;
};

export type RejectedItem = {
  index: number;
  ok: false;
  /** What is wrong and how to fix it, for the producer. */
  reason: string;
  /**
   * The event as received, for a failed-events store: the element's JSON
   * text (batch), the body (structured), or a JSON object of the `ce-*` and
   * Content-Type headers and the body text (binary). Not size-capped.
   */
  raw: string;
  /** The attributes, when present as strings, to help find the event. */
  id?: string;
  type?: string;
  source?: string;
  /**
   * Set when the event's JSON exceeds `maxEventBytes` (the reason then
   * starts with "Event too large"). A single-event request should get 413.
   */
  tooLarge?: true;
};

export type ParseItem = AcceptedItem | RejectedItem;

export type ParsedRequest = {
  mode: ContentMode;
  /** One per event, in the order sent. Never empty. */
  items: ParseItem[];
};
