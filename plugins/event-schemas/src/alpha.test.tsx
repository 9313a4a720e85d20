import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import eventSchemasPlugin from './alpha';
import { eventSchemasApiRef } from './api';

describe('event-schemas plugin (new frontend system)', () => {
  it('serves the Event types page at /event-types', async () => {
    renderTestApp({
      features: [eventSchemasPlugin],
      initialRouteEntries: ['/event-types'],
      apis: [[eventSchemasApiRef, { listEventTypes: async () => [] }]],
    });

    expect(
      await screen.findByText('No event types registered yet'),
    ).toBeInTheDocument();
  });
});
