import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading the rows of a delivered partition (the preview). A resource
 * permission on the event type (resource type `event-type`, owned by the
 * event-schemas plugin), so a policy can decide per type. Personal values in
 * the rows stay masked unless {@link personalDataReadPermission} allows too.
 *
 * @public
 */
export const partitionPreviewPermission = createPermission({
  name: 'delivery-pipeline.partition.preview',
  attributes: { action: 'read' },
  resourceType: 'event-type',
});

/**
 * Producing events of a type (`POST /events`). A resource permission on the
 * event type, decided once per type in a request. Users are decided by the
 * policy (the suite's: the type's owners and the admin groups); services
 * have no user for a policy to decide on, so ingest grants them types in
 * `deliveryPipeline.ingest.producers` instead.
 *
 * @public
 */
export const eventTypeProducePermission = createPermission({
  name: 'delivery-pipeline.event-type.produce',
  attributes: { action: 'create' },
  resourceType: 'event-type',
});

/**
 * Reading an event type's failed events (their payloads and reasons). The
 * suite's policy allows it to the type's owners and the admin groups; a
 * failed event without a known type is for the admins only.
 *
 * @public
 */
export const failedEventsReadPermission = createPermission({
  name: 'delivery-pipeline.failed-events.read',
  attributes: { action: 'read' },
  resourceType: 'event-type',
});

/**
 * Reading the clear values of an event type's personal data fields: in the
 * preview, in failed events and through the decrypt API. Everyone else sees
 * them masked. The suite's policy allows it to the type's owners and the
 * admin groups; every clear read is audited.
 *
 * @public
 */
export const personalDataReadPermission = createPermission({
  name: 'delivery-pipeline.personal-data.read',
  attributes: { action: 'read' },
  resourceType: 'event-type',
});

/**
 * Erasing a person (`DELETE /data-subjects/{subject}`): their keys, so their
 * personal data in every stored copy, and their failed events. Not tied to
 * one event type: a person's key serves every type. The suite's policy
 * allows it to the admin groups only.
 *
 * @public
 */
export const dataSubjectErasePermission = createPermission({
  name: 'delivery-pipeline.data-subject.erase',
  attributes: { action: 'delete' },
});

/** @public */
export const deliveryPipelinePermissions = [
  eventTypeProducePermission,
  partitionPreviewPermission,
  failedEventsReadPermission,
  personalDataReadPermission,
  dataSubjectErasePermission,
];
