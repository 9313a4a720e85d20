/** A CloudEvents 1.0 event in the JSON format (structured mode). */
export type CloudEventJson = {
  specversion: '1.0';
  type: string;
  source: string;
  id: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  data: unknown;
};

/** Where the example says it comes from; producers put their service here. */
export const EXAMPLE_SOURCE = '//example.com/my-service';

/**
 * The registry URL of a schema version, which is what ingest reads from
 * `dataschema` to pick the version the data follows.
 */
export function versionUrl(options: {
  registryBaseUrl: string;
  eventType: string;
  version: number;
}): string {
  const { registryBaseUrl, eventType, version } = options;
  return `${registryBaseUrl}/event-types/${encodeURIComponent(
    eventType,
  )}/versions/${version}`;
}

/** An event of one version of a type, as a producer would send it. */
export function exampleEvent(options: {
  eventType: string;
  version: number;
  registryBaseUrl: string;
  data: unknown;
  id: string;
  at: Date;
}): CloudEventJson {
  const { eventType, version, registryBaseUrl, data, id, at } = options;
  return {
    specversion: '1.0',
    type: eventType,
    source: EXAMPLE_SOURCE,
    id,
    time: at.toISOString(),
    datacontenttype: 'application/json',
    dataschema: versionUrl({ registryBaseUrl, eventType, version }),
    data,
  };
}

/**
 * A random v4 UUID for the example's `id`. `(source, id)` is the pipeline's
 * deduplication key, so every page view gets its own: an example tried
 * twice from two views is two events, not a duplicate.
 */
export function randomEventId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) {
    return crypto.randomUUID();
  }
  const hex = Array.from({ length: 32 }, () =>
    Math.floor(Math.random() * 16).toString(16),
  );
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
}
