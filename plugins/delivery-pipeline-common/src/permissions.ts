import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading the rows of a delivered partition (the preview). A resource
 * permission on the event type (resource type `event-type`, owned by the
 * event-schemas plugin), so a policy can decide per type, for example let only
 * owners preview types that hold personal data.
 *
 * @public
 */
export const partitionPreviewPermission = createPermission({
  name: 'delivery-pipeline.partition.preview',
  attributes: { action: 'read' },
  resourceType: 'event-type',
});

/** @public */
export const deliveryPipelinePermissions = [partitionPreviewPermission];
