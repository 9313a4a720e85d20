import { ConflictError } from '@backstage/errors';
import { EventTypeManagedBy } from '@data-collection/plugin-event-schemas-common';

/** The 409 for a change to a managed type that does not come from its file. */
export function managedTypeConflict(options: {
  name: string;
  managedBy: EventTypeManagedBy;
}): ConflictError {
  const { name, managedBy } = options;
  return new ConflictError(
    `${name} is managed in ${managedBy.location} (declared by ${managedBy.entityRef}): change the file and merge it`,
  );
}
