import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';

/** An event type as the registry returns it; override what a test needs. */
export function makeEventType(overrides: Partial<EventType> = {}): EventType {
  return {
    name: 'com.example.playback.started',
    title: 'Playback started',
    description: 'Sent when a track starts playing.',
    owner: 'group:default/playback',
    lifecycle: 'production',
    tags: ['playback', 'events'],
    format: 'jsonschema',
    compatibility: 'BACKWARD',
    retention: { raw: 'P30D', delivered: 'P365D' },
    sla: { maxLateness: 'PT4H' },
    personalDataFields: ['user_id'],
    dataSubject: 'user_id',
    latestVersion: 2,
    createdBy: 'user:default/guest',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

/** A JSON Schema with a local `$ref`, as producers write them. */
export const PLAYBACK_STARTED_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['user_id', 'track_id'],
  properties: {
    user_id: { type: 'string', description: 'Personal data' },
    track_id: { $ref: '#/definitions/trackId' },
    position_ms: { type: 'integer', minimum: 0 },
  },
  definitions: {
    trackId: { type: 'string', pattern: '^[0-9a-zA-Z]{22}$' },
  },
};

/** An Avro record schema. */
export const PLAYBACK_STOPPED_AVRO = {
  type: 'record',
  name: 'PlaybackStopped',
  namespace: 'com.example.playback',
  fields: [
    { name: 'user_id', type: 'string' },
    { name: 'track_id', type: 'string' },
    { name: 'position_ms', type: 'long' },
    {
      name: 'reason',
      type: { type: 'enum', name: 'Reason', symbols: ['USER', 'END', 'ERROR'] },
    },
  ],
};

/** The latest version of `eventType`, with the given schema. */
export function makeVersion(
  eventType: EventType,
  schema: unknown = PLAYBACK_STARTED_SCHEMA,
): EventTypeVersion {
  return {
    eventType: eventType.name,
    version: eventType.latestVersion,
    schema: JSON.stringify(schema),
    fingerprint: `sha256:${'0'.repeat(64)}`,
    createdBy: 'user:default/guest',
    createdAt: '2026-11-20T10:00:00.000Z',
  };
}
