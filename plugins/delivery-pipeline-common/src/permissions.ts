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
  partitionPreviewPermission,
  personalDataReadPermission,
  dataSubjectErasePermission,
];
