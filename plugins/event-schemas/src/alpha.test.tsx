import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import eventSchemasPlugin from './alpha';
import { deliveryPipelineApiRef, eventSchemasApiRef } from './api';

describe('event-schemas plugin (new frontend system)', () => {
  it('serves the Event types page at /event-types', async () => {
    renderTestApp({
      features: [eventSchemasPlugin],
      initialRouteEntries: ['/event-types'],
      apis: [
        [eventSchemasApiRef, { listEventTypes: async () => [] }],
        [deliveryPipelineApiRef, { listHealth: async () => ({ items: [] }) }],
      ],
    });

    expect(
      await screen.findByText('No event types registered yet'),
    ).toBeInTheDocument();
  });

  it('serves the Data subjects page at /event-types/data-subjects', async () => {
    renderTestApp({
      features: [eventSchemasPlugin],
      initialRouteEntries: ['/event-types/data-subjects'],
      apis: [mockApis.permission()],
    });

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Data subjects' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('form', { name: 'Erase a person' }),
    ).toBeInTheDocument();
  });

  it('has the extensions its README lists, to configure by id', () => {
    for (const id of [
      'page:event-schemas',
      'api:event-schemas',
      'api:event-schemas/delivery-pipeline',
      'entity-card:event-schemas/event-type',
      'entity-content:event-schemas/event-type',
      'entity-card:event-schemas/dataset',
      'entity-content:event-schemas/dataset',
    ]) {
      expect(() => eventSchemasPlugin.getExtension(id as any)).not.toThrow();
    }
  });
});
