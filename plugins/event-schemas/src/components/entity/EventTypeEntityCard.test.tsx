import { Entity } from '@backstage/catalog-model';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { DeliveryPipelineClient } from '@data-collection/plugin-delivery-pipeline-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  deliveryPipelineApiRef,
  eventSchemasApiRef,
  EventSchemasClient,
} from '../../api';
import {
  pipelineUrl,
  playbackHealth,
  playbackStarted,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { EventTypeEntityCard } from './EventTypeEntityCard';
import { playbackApiEntity, unrelatedEntity } from './testEntities';

const now = new Date('2026-11-23T12:30:00.000Z');
const typeUrl = `${registryUrl}/event-types/${playbackStarted.name}`;
const healthUrl = `${pipelineUrl}/event-types/${playbackStarted.name}/health`;

const notFound = (message: string) =>
  backendError(404, 'NotFoundError', message);
const serverError = (message: string) => backendError(500, 'Error', message);

describe('EventTypeEntityCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const render = (entity: Entity = playbackApiEntity) =>
    renderWithApis(
      <EntityProvider entity={entity}>
        <EventTypeEntityCard />
      </EntityProvider>,
    );

  const fact = (label: string) => {
    const term = screen.getByText(label, { selector: 'dt' });
    return term.nextElementSibling as HTMLElement;
  };

  it("shows the type's registry facts, its delivery health and links", async () => {
    server.use(
      http.get(typeUrl, () => HttpResponse.json(playbackStarted)),
      http.get(healthUrl, () => HttpResponse.json(playbackHealth(now))),
    );
    await render();

    expect(await screen.findByText('v2')).toBeInTheDocument();
    expect(fact('Format')).toHaveTextContent('jsonschema');
    expect(fact('Compatibility')).toHaveTextContent('BACKWARD');
    expect(within(fact('Owner')).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/group/playback',
    );
    expect(fact('Lifecycle')).toHaveTextContent('production');

    expect(
      await screen.findByText('19 of 20 partitions on time (95%)'),
    ).toBeInTheDocument();
    expect(fact('p95 lateness')).toHaveTextContent('5 h (SLA 4 h)');
    // Delivered 10 minutes after its hour, within the 4 hour SLA.
    expect(fact('Last delivered')).toHaveTextContent(
      'delivered 10 min after it ended',
    );
    expect(fact('Last delivered').querySelector('time')).toHaveAttribute(
      'datetime',
      '2026-11-23T09:30:00.000Z',
    );

    expect(
      screen.getByRole('link', { name: 'Open event type' }),
    ).toHaveAttribute(
      'href',
      '/event-types/com.example.playback.started/overview',
    );
    expect(screen.getByRole('link', { name: 'Delivery' })).toHaveAttribute(
      'href',
      '/event-types/com.example.playback.started/delivery',
    );
  });

  it('says why a type is deprecated and what to use instead', async () => {
    server.use(
      http.get(typeUrl, () =>
        HttpResponse.json({
          ...playbackStarted,
          deprecation: {
            reason: 'Replaced by playback.v2',
            successor: 'com.example.playback.v2.started',
            deprecatedAt: '2026-11-22T10:00:00.000Z',
            deprecatedBy: 'user:default/alice',
          },
        }),
      ),
      http.get(healthUrl, () => HttpResponse.json(playbackHealth(now))),
    );
    await render();

    expect(await screen.findByText('v2')).toBeInTheDocument();
    expect(fact('Lifecycle')).toHaveTextContent(
      'deprecated: Replaced by playback.v2 (use com.example.playback.v2.started)',
    );
    expect(
      screen.getByRole('link', { name: 'com.example.playback.v2.started' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/api/com.example.playback.v2.started',
    );
  });

  it('keeps a failed load to one line with a Retry', async () => {
    let registryUp = false;
    server.use(
      http.get(typeUrl, () =>
        registryUp
          ? HttpResponse.json(playbackStarted)
          : serverError('registry is restarting'),
      ),
      http.get(healthUrl, () => notFound('No such event type')),
    );
    await render();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load com.example.playback.started from the registry: registry is restarting',
    );
    registryUp = true;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('v2')).toBeInTheDocument();
    // The registry's facts stay when only the pipeline fails.
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load delivery health: No such event type',
    );
    expect(fact('Compatibility')).toHaveTextContent('BACKWARD');
  });

  it('says when no partition was due or delivered yet', async () => {
    server.use(
      http.get(typeUrl, () => HttpResponse.json(playbackStarted)),
      http.get(healthUrl, () =>
        HttpResponse.json({
          ...playbackHealth(now),
          slaCompliance: { due: 0, met: 0 },
          latenessMs: {},
          lastDelivered: undefined,
        }),
      ),
    );
    await render();

    expect(
      await screen.findByText('No partition was due in the last 24 h'),
    ).toBeInTheDocument();
    expect(fact('Last delivered')).toHaveTextContent('Nothing delivered yet');
    expect(fact('p95 lateness')).toHaveTextContent('– (SLA 4 h)');
  });

  it('leaves the links out where the app has not mounted the page', async () => {
    server.use(
      http.get(typeUrl, () => HttpResponse.json(playbackStarted)),
      http.get(healthUrl, () => HttpResponse.json(playbackHealth(now))),
    );
    const discoveryApi = mockApis.discovery({
      baseUrl: 'http://localhost:7007',
    });
    const fetchApi = { fetch: (input: any, init?: any) => fetch(input, init) };
    await renderInTestApp(
      <EntityProvider entity={playbackApiEntity}>
        <EventTypeEntityCard />
      </EntityProvider>,
      {
        apis: [
          [
            eventSchemasApiRef,
            new EventSchemasClient({ discoveryApi, fetchApi }),
          ],
          [
            deliveryPipelineApiRef,
            new DeliveryPipelineClient({ discoveryApi, fetchApi }),
          ],
        ],
        // An entity card is on the catalog's entity page, so that is there.
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(await screen.findByText('v2')).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'Open event type' }),
    ).not.toBeInTheDocument();
  });

  it('says so on an entity that is not an event type', async () => {
    await render(unrelatedEntity);

    expect(
      screen.getByText(/has no event-schemas\/event-type or/),
    ).toBeInTheDocument();
  });
});
