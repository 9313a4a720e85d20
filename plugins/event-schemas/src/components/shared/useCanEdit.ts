import { usePermission } from '@backstage/plugin-permission-react';
import {
  EventType,
  eventTypeUpdatePermission,
} from '@data-collection/plugin-event-schemas-common';

/**
 * Whether the signed-in user may change an event type (register versions,
 * edit details), and if not, why, in words for a disabled button's tooltip.
 * The backend checks again on every change; this only shapes the UI.
 */
export function useCanEdit(eventType: Pick<EventType, 'name' | 'owner'>): {
  loading: boolean;
  allowed: boolean;
  /** Set when not allowed. */
  reason?: string;
} {
  const { loading, allowed } = usePermission({
    permission: eventTypeUpdatePermission,
    resourceRef: eventType.name,
  });
  return {
    loading,
    allowed,
    reason: allowed
      ? undefined
      : `Only the owners of ${eventType.name} (${eventType.owner}) and the registry admins may change it`,
  };
}
