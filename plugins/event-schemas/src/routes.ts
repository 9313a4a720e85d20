import { createRouteRef } from '@backstage/core-plugin-api';

/** The "Event types" page (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'event-schemas' });
