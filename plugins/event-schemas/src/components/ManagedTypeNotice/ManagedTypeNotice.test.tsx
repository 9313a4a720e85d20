import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
} from '../../__testUtils__';
import { EventTypeOverview } from '../EventTypeOverview';
import { ManagedTypeNotice } from './ManagedTypeNotice';

const file =
  'https://github.com/acme/playback/blob/main/event-types/playback.started.yaml';

const managed: EventType = {
  ...playbackStarted,
  managedBy: {
    entityRef: 'component:default/playback-service',
    location: file,
    path: 'playback.started.yaml',
  },
  lastSync: {
    syncedAt: '2026-12-07T10:00:00.000Z',
    status: 'applied',
    reasons: [],
  },
};

describe('ManagedTypeNotice', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('says where a managed type is managed, with a link to its file', async () => {
    await renderWithApis(<ManagedTypeNotice eventType={managed} />);
    expect(screen.getByText(/Managed in/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^playback\.started\.yaml/ }),
    ).toHaveAttribute('href', file);
    expect(screen.queryByText(/was not registered/)).not.toBeInTheDocument();
  });

  it('shows a refused change with its reasons', async () => {
    await renderWithApis(
      <ManagedTypeNotice
        eventType={{
          ...managed,
          lastSync: {
            syncedAt: '2026-12-07T10:00:00.000Z',
            status: 'refused',
            reasons: [
              "/required: property 'artist_id' became required",
              '/properties/track_id: property removed',
            ],
            location: file,
          },
        }}
      />,
    );
    expect(
      screen.getByText(
        /The latest change to playback\.started\.yaml was not registered/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText("/required: property 'artist_id' became required"),
    ).toBeInTheDocument();
    expect(
      screen.getByText('/properties/track_id: property removed'),
    ).toBeInTheDocument();
  });

  it('shows nothing for a type registered through the portal', async () => {
    await renderWithApis(<ManagedTypeNotice eventType={playbackStarted} />);
    expect(screen.queryByText(/Managed in/)).not.toBeInTheDocument();
  });

  it('turns the edit actions into links to the file', async () => {
    server.use(
      http.get(
        `${registryUrl}/event-types/${playbackStarted.name}/versions`,
        () => HttpResponse.json({ items: playbackVersions }),
      ),
    );
    await renderWithApis(
      <EventTypeOverview eventType={managed} onChange={jest.fn()} />,
    );
    await screen.findByRole('table', { name: 'Fields of version 2' });
    expect(
      screen.queryByRole('button', { name: 'Edit details' }),
    ).not.toBeInTheDocument();
    const links = screen.getAllByRole('link', { name: 'Change the file' });
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toHaveAttribute('href', file);
  });
});
