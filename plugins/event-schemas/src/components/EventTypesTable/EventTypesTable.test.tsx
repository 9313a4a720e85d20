import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EventType } from '@internal/plugin-event-schemas-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { eventSchemasApiRef, EventSchemasClient } from '../../api';
import { EventTypesTable } from './EventTypesTable';

const baseUrl = 'http://localhost:7007/api/event-schemas';

const playbackStarted: EventType = {
  name: 'com.example.playback.started',
  title: 'Playback started',
  owner: 'group:default/playback',
  lifecycle: 'production',
  format: 'jsonschema',
  compatibility: 'BACKWARD',
  tags: ['playback'],
  retention: { raw: 'P7D', delivered: 'P90D' },
  sla: { maxLateness: 'PT4H' },
  personalDataFields: ['user_id'],
  latestVersion: 3,
  createdBy: 'user:default/alice',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
};

describe('EventTypesTable', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  // The real client against HTTP answered by msw: the test covers the URL,
  // the response shape and the error handling, not just the rendering.
  const render = () => {
    const discoveryApi = mockApis.discovery({
      baseUrl: 'http://localhost:7007',
    });
    const client = new EventSchemasClient({
      discoveryApi,
      fetchApi: { fetch: (input, init) => fetch(input, init) },
    });
    return renderInTestApp(<EventTypesTable />, {
      apis: [[eventSchemasApiRef, client]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
  };

  it('lists the registered event types', async () => {
    server.use(
      http.get(`${baseUrl}/event-types`, () =>
        HttpResponse.json({ items: [playbackStarted], totalItems: 1 }),
      ),
    );
    await render();

    const link = await screen.findByRole('link', {
      name: 'com.example.playback.started',
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/api/com.example.playback.started',
    );
    expect(screen.getByText('Playback started')).toBeInTheDocument();
    expect(screen.getByText('group:default/playback')).toBeInTheDocument();
    expect(screen.getByText('v3')).toBeInTheDocument();
    expect(screen.getByText('Event types (1)')).toBeInTheDocument();
  });

  it('explains how to register the first event type when there is none', async () => {
    server.use(
      http.get(`${baseUrl}/event-types`, () =>
        HttpResponse.json({ items: [], totalItems: 0 }),
      ),
    );
    await render();

    expect(
      await screen.findByText('No event types registered yet'),
    ).toBeInTheDocument();
  });

  it("shows the backend's error and loads again on retry", async () => {
    let calls = 0;
    server.use(
      http.get(`${baseUrl}/event-types`, () => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(
            {
              error: {
                name: 'ServiceUnavailableError',
                message: 'The registry database is unreachable',
              },
              response: { statusCode: 503 },
            },
            { status: 503 },
          );
        }
        return HttpResponse.json({ items: [playbackStarted], totalItems: 1 });
      }),
    );
    await render();

    expect(
      await screen.findByText(/Could not load the event types/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/The registry database is unreachable/).length,
    ).toBeGreaterThan(0);

    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('com.example.playback.started'),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
  });
});
