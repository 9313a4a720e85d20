import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import {
  playbackStarted,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { EventTypeEntityContent } from './EventTypeEntityContent';
import { playbackApiEntity } from './testEntities';

// The views are the type page's tabs, which have their own tests; here they
// only show what they were given, so these tests cover the switching.
jest.mock('../EventTypeOverview', () => ({
  EventTypeOverview: (props: { eventType: EventType }) => (
    <p>Overview of {props.eventType.name}</p>
  ),
}));
jest.mock('../EventTypeVersions', () => ({
  EventTypeVersions: (props: {
    eventType: EventType;
    onChange: () => void;
  }) => (
    <button onClick={props.onChange}>
      Register a version of {props.eventType.name}
    </button>
  ),
}));
jest.mock('../EventTypeDelivery', () => ({
  EventTypeDelivery: (props: { eventType: string }) => (
    <p>Delivery of {props.eventType}</p>
  ),
}));

const typeUrl = `${registryUrl}/event-types/${playbackStarted.name}`;

const Search = () => <output>{useLocation().search}</output>;

describe('EventTypeEntityContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const render = (initialRoute = '/catalog/default/api/x/event-type') =>
    renderWithApis(
      <EntityProvider entity={playbackApiEntity}>
        <EventTypeEntityContent />
        <Search />
      </EntityProvider>,
      { initialRouteEntries: [initialRoute] },
    );

  it('switches between the views, keeping the view in the URL', async () => {
    server.use(http.get(typeUrl, () => HttpResponse.json(playbackStarted)));
    await render();

    expect(
      await screen.findByText(`Overview of ${playbackStarted.name}`),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Overview' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(screen.getByRole('tabpanel')).toHaveAccessibleName('Overview');

    await userEvent.click(screen.getByRole('tab', { name: 'Delivery' }));
    expect(
      screen.getByText(`Delivery of ${playbackStarted.name}`),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('?view=delivery');

    await userEvent.click(screen.getByRole('tab', { name: 'Overview' }));
    // The default view keeps the URL clean.
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });

  it('opens the view the URL names, and reloads the type when a version is registered', async () => {
    const requests = jest.fn();
    server.use(
      http.get(typeUrl, () => {
        requests();
        return HttpResponse.json(playbackStarted);
      }),
    );
    await render('/catalog/default/api/x/event-type?view=versions');

    await userEvent.click(
      await screen.findByRole('button', {
        name: `Register a version of ${playbackStarted.name}`,
      }),
    );
    expect(screen.getByRole('tab', { name: 'Versions' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await screen.findByRole('button', { name: /Register a version/ });
    expect(requests).toHaveBeenCalledTimes(2);
  });

  it('says so when the registry no longer has the type', async () => {
    server.use(
      http.get(typeUrl, () =>
        backendError(404, 'NotFoundError', 'No such event type'),
      ),
    );
    await render();

    expect(
      await screen.findByText(
        `The registry has no event type named ${playbackStarted.name}`,
      ),
    ).toBeInTheDocument();
  });

  it('shows a failed load, and loads again on Retry', async () => {
    let registryUp = false;
    server.use(
      http.get(typeUrl, () =>
        registryUp
          ? HttpResponse.json(playbackStarted)
          : backendError(500, 'Error', 'registry is restarting'),
      ),
    );
    await render();

    expect(
      await screen.findByText(/Could not load event type com\.example/),
    ).toBeInTheDocument();
    expect(screen.getByText('registry is restarting')).toBeInTheDocument();
    registryUp = true;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(
      await screen.findByText(`Overview of ${playbackStarted.name}`),
    ).toBeInTheDocument();
  });
});
