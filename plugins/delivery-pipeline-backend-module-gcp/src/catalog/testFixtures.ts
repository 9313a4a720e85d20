import { EventType } from '@data-collection/plugin-event-schemas-common';

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
    retention: { raw: 'P7D', delivered: 'P400D' },
    sla: { maxLateness: 'PT2H' },
    personalDataFields: ['user_id'],
    dataSubject: 'user_id',
    latestVersion: 2,
    createdBy: 'user:default/guest',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}
