import { Entity } from '@backstage/catalog-model';
import { RetentionDeletion } from '@data-collection/plugin-delivery-pipeline-common';
import { playbackStarted } from '../../__testUtils__';

// The entities the registry's and the pipeline's catalog modules make for
// the playback fixture, as the entity tests get them.

export const playbackApiEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'com.example.playback.started',
    namespace: 'default',
    title: 'com.example.playback.started',
    annotations: {
      'event-schemas/event-type': playbackStarted.name,
      'event-schemas/format': 'jsonschema',
      'event-schemas/latest-version': '2',
    },
  },
  spec: {
    type: 'asyncapi',
    lifecycle: 'production',
    owner: 'group:default/playback',
    definition: '{}',
  },
};

export const playbackDatasetEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'com.example.playback.started-dataset',
    namespace: 'default',
    title: 'com.example.playback.started (delivered)',
    annotations: {
      'delivery-pipeline/event-type': playbackStarted.name,
      'delivery-pipeline/location':
        'file:///var/data/delivered/com.example.playback.started',
      'delivery-pipeline/raw-retention': 'P7D',
      'delivery-pipeline/delivered-retention': 'P90D',
      'delivery-pipeline/sla-max-lateness': 'PT4H',
      'delivery-pipeline/delivery-page':
        'http://localhost:3000/event-types/com.example.playback.started/delivery',
      'delivery-pipeline/personal-data-fields': 'user_id,user.email',
      'delivery-pipeline/data-subject': 'user_id',
      'delivery-pipeline/personal-data-storage': 'encrypted-per-data-subject',
    },
  },
  spec: {
    type: 'dataset',
    owner: 'group:default/playback',
    dependsOn: ['api:default/com.example.playback.started'],
  },
};

export const unrelatedEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'openapi', lifecycle: 'production', owner: 'payments' },
};

/** One hour of the playback type that retention deleted. */
export function retentionDeletion(
  hour: number,
  kind: RetentionDeletion['kind'] = 'raw',
): RetentionDeletion {
  const start = Date.UTC(2026, 10, 1, hour);
  return {
    id: `d${hour}-${kind}`,
    eventType: playbackStarted.name,
    partitionStart: new Date(start).toISOString(),
    partitionEnd: new Date(start + 3_600_000).toISOString(),
    kind,
    files: 3,
    bytes: 1_250_000,
    deletedAt: '2026-11-08T01:00:00.000Z',
    reason: `${kind} retention ${kind === 'raw' ? 'P7D' : 'P90D'} passed`,
  };
}
