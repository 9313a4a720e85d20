import {
  EventTypeHealth,
  Partition,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  EventType,
  EventTypeVersion,
} from '@data-collection/plugin-event-schemas-common';

// Test data shared by the component tests: one event type with two
// versions, a day of its partitions and its health.

export const playbackSchemaV1 = JSON.stringify(
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['track_id', 'user_id'],
    properties: {
      track_id: { type: 'string', description: 'The track played' },
      user_id: { type: 'string', description: 'Who played it' },
    },
  },
  null,
  2,
);

export const playbackSchemaV2 = JSON.stringify(
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['track_id', 'user_id'],
    properties: {
      track_id: { type: 'string', description: 'The track played' },
      user_id: { type: 'string', description: 'Who played it' },
      position_ms: {
        type: 'integer',
        minimum: 0,
        description: 'Where in the track playback started',
      },
    },
  },
  null,
  2,
);

export const playbackStarted: EventType = {
  name: 'com.example.playback.started',
  title: 'Playback started',
  description: 'A listener started playing a track.',
  owner: 'group:default/playback',
  lifecycle: 'production',
  format: 'jsonschema',
  compatibility: 'BACKWARD',
  tags: ['playback'],
  retention: { raw: 'P7D', delivered: 'P90D' },
  sla: { maxLateness: 'PT4H' },
  personalDataFields: ['user_id'],
  dataSubject: 'user_id',
  latestVersion: 2,
  createdBy: 'user:default/alice',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
};

export const playbackVersions: EventTypeVersion[] = [
  {
    eventType: playbackStarted.name,
    version: 1,
    schema: playbackSchemaV1,
    fingerprint: `sha256:${'1'.repeat(64)}`,
    createdBy: 'user:default/alice',
    createdAt: '2026-11-01T10:00:00.000Z',
  },
  {
    eventType: playbackStarted.name,
    version: 2,
    schema: playbackSchemaV2,
    fingerprint: `sha256:${'2'.repeat(64)}`,
    createdBy: 'user:default/bob',
    createdAt: '2026-11-20T10:00:00.000Z',
  },
];

const HOUR = 3_600_000;

/**
 * Hourly partitions of the playback type ending at `now`: delivered on time,
 * one delivered late, one closed and one open.
 */
export function playbackPartitions(now = new Date()): Partition[] {
  const lastHour = Math.floor(now.getTime() / HOUR) * HOUR;
  const partitions: Partition[] = [];
  for (let i = 23; i >= 0; i--) {
    const start = lastHour - i * HOUR;
    const end = start + HOUR;
    const base = {
      eventType: playbackStarted.name,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
    };
    if (i === 0) {
      partitions.push({
        ...base,
        state: 'open',
        counts: {
          received: 120,
          bytes: 36_000,
          duplicates: 0,
          conflicts: 0,
          failed: 1,
        },
      });
    } else if (i === 1) {
      partitions.push({
        ...base,
        state: 'closed',
        closedAt: new Date(end + 300_000).toISOString(),
        counts: {
          received: 1000,
          bytes: 300_000,
          duplicates: 0,
          conflicts: 0,
          failed: 4,
        },
      });
    } else {
      const late = i === 5;
      const latenessMs = late ? 5 * HOUR : 600_000;
      partitions.push({
        ...base,
        state: 'delivered',
        closedAt: new Date(end + 300_000).toISOString(),
        deliveredAt: new Date(end + latenessMs).toISOString(),
        latenessMs,
        slaMet: !late,
        counts: {
          received: 1000,
          bytes: 300_000,
          duplicates: 30,
          conflicts: 2,
          failed: 10,
          delivered: 968,
        },
        clientDelayMs: { p50: 150, p95: 2000, max: 60_000 },
      });
    }
  }
  return partitions;
}

export function playbackHealth(now = new Date()): EventTypeHealth {
  return {
    eventType: playbackStarted.name,
    window: {
      from: new Date(now.getTime() - 24 * HOUR).toISOString(),
      to: now.toISOString(),
    },
    sla: { maxLatenessMs: 4 * HOUR, source: 'registry' },
    slaCompliance: { due: 20, met: 19, compliance: 0.95 },
    latenessMs: { p50: 600_000, p95: 5 * HOUR, max: 5 * HOUR },
    lastDelivered: {
      start: new Date(now.getTime() - 3 * HOUR).toISOString(),
      end: new Date(now.getTime() - 2 * HOUR).toISOString(),
      deliveredAt: new Date(now.getTime() - 2 * HOUR + 600_000).toISOString(),
    },
    partitions: { open: 1, closed: 1, delivered: 22, expired: 0 },
    volume: {
      received: 24_120,
      delivered: 21_296,
      duplicates: 660,
      conflicts: 44,
      failed: 225,
    },
    duplicateRate: 0.032,
    failedRate: 0.0099,
  };
}
