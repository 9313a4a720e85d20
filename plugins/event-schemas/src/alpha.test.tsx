import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import searchPlugin from '@backstage/plugin-search/alpha';
import { searchApiRef } from '@backstage/plugin-search-react';
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
      'search-result-list-item:event-schemas',
      'search-filter-result-type:event-schemas/event-type',
    ]) {
      expect(() => eventSchemasPlugin.getExtension(id as any)).not.toThrow();
    }
  });

  it("shows event types in the search page with the plugin's result item and result type", async () => {
    const query = jest.fn(async () => ({
      results: [
        {
          type: 'event-type',
          document: {
            title: 'Playback started',
            text: 'Sent by the player when a track starts playing.',
            location: '/event-types/com.example.playback.started',
            name: 'com.example.playback.started',
            owner: 'group:default/playback',
            format: 'jsonschema',
            latestVersion: 2,
            lifecycle: 'production',
            tags: ['playback'],
            fields: ['user_id', 'track_id'],
          },
        },
      ],
    }));
    renderTestApp({
      features: [searchPlugin, eventSchemasPlugin],
      initialRouteEntries: ['/search?query=track_id'],
      apis: [
        [searchApiRef, { query }],
        [catalogApiRef, catalogApiMock()],
      ],
    });

    const link = await screen.findByRole('link', { name: 'Playback started' });
    expect(link).toHaveAttribute(
      'href',
      '/event-types/com.example.playback.started',
    );
    expect(screen.getByText('Latest version: 2')).toBeInTheDocument();
    expect(screen.getByText('Format: JSON Schema')).toBeInTheDocument();
    // The result type filter offers event types.
    expect(
      screen.getByRole('button', { name: /Event types/ }),
    ).toBeInTheDocument();
  }, 30_000);
});
