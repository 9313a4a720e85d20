import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes, useLocation } from 'react-router-dom';
import {
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { EventTypePage } from './EventTypePage';

const typeUrl = `${registryUrl}/event-types/${playbackStarted.name}`;

const Location = () => (
  <output aria-label="location">{useLocation().pathname}</output>
);

// The page as the router mounts it, with the location shown for redirects.
const render = (path: string) =>
  renderWithApis(
    <>
      <Routes>
        <Route path="/event-types/:name/:tab" element={<EventTypePage />} />
      </Routes>
      <Location />
    </>,
    { initialRouteEntries: [path] },
  );

describe('EventTypePage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('titles the page with the type and makes each tab a link of its own', async () => {
    server.use(
      http.get(typeUrl, () => HttpResponse.json(playbackStarted)),
      http.get(`${typeUrl}/versions`, () =>
        HttpResponse.json({ items: playbackVersions }),
      ),
    );
    await render(`/event-types/${playbackStarted.name}/overview`);

    expect(
      await screen.findByRole('heading', {
        level: 1,
        name: playbackStarted.name,
      }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Playback started')).toBeInTheDocument();
    expect(screen.getByText('v2')).toBeInTheDocument();
    for (const tab of ['versions', 'delivery', 'lineage']) {
      expect(
        screen.getByRole('tab', { name: new RegExp(tab, 'i') }),
      ).toHaveAttribute('href', `/event-types/${playbackStarted.name}/${tab}`);
    }
    // The overview tab's content: the latest schema's fields.
    expect(await screen.findByText('position_ms')).toBeInTheDocument();
  });

  it('sends an unknown tab to the overview', async () => {
    server.use(
      http.get(typeUrl, () => HttpResponse.json(playbackStarted)),
      http.get(`${typeUrl}/versions`, () =>
        HttpResponse.json({ items: playbackVersions }),
      ),
    );
    await render(`/event-types/${playbackStarted.name}/nonsense`);

    expect(await screen.findByLabelText('location')).toHaveTextContent(
      `/event-types/${playbackStarted.name}/overview`,
    );
  });

  it('says so when there is no such type, with a way back', async () => {
    server.use(
      http.get(`${registryUrl}/event-types/com.example.gone`, () =>
        backendError(
          404,
          'NotFoundError',
          "No event type named 'com.example.gone'",
        ),
      ),
    );
    await render('/event-types/com.example.gone/overview');

    expect(
      await screen.findByText('No event type named com.example.gone'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'All event types' }),
    ).toHaveAttribute('href', '/event-types');
  });

  it("shows the registry's error and loads again on retry", async () => {
    let calls = 0;
    server.use(
      http.get(typeUrl, () => {
        calls += 1;
        return calls === 1
          ? backendError(
              503,
              'ServiceUnavailableError',
              'The registry database is unreachable',
            )
          : HttpResponse.json(playbackStarted);
      }),
      http.get(`${typeUrl}/versions`, () =>
        HttpResponse.json({ items: playbackVersions }),
      ),
    );
    await render(`/event-types/${playbackStarted.name}/overview`);

    expect(
      await screen.findByText(
        /Could not load event type com\.example\.playback\.started/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('v2')).toBeInTheDocument();
    expect(calls).toBe(2);
  });
});
