import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { eventSchemasApiRef } from '../../api';
import { EventSchemasPage } from './EventSchemasPage';

describe('EventSchemasPage (legacy frontend system)', () => {
  it('draws its own header above the event types', async () => {
    await renderInTestApp(<EventSchemasPage />, {
      apis: [[eventSchemasApiRef, { listEventTypes: async () => [] }]],
    });

    expect(
      screen.getByRole('heading', { level: 1, name: 'Event types' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No event types registered yet'),
    ).toBeInTheDocument();
  });
});
