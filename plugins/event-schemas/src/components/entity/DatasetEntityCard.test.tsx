import { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  pipelineUrl,
  playbackHealth,
  playbackStarted,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { DatasetEntityCard } from './DatasetEntityCard';
import { playbackDatasetEntity } from './testEntities';

const now = new Date('2026-11-23T12:30:00.000Z');
const healthUrl = `${pipelineUrl}/event-types/${playbackStarted.name}/health`;

describe('DatasetEntityCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const render = (entity: Entity = playbackDatasetEntity) =>
    renderWithApis(
      <EntityProvider entity={entity}>
        <DatasetEntityCard />
      </EntityProvider>,
    );

  const fact = (label: string) =>
    screen.getByText(label, { selector: 'dt' })
      .nextElementSibling as HTMLElement;

  it('shows freshness, SLA, retention and where to read the dataset', async () => {
    server.use(
      http.get(healthUrl, () => HttpResponse.json(playbackHealth(now))),
    );
    await render();

    const freshness = await screen.findByText(
      /delivered 10 min after it ended/,
    );
    expect(within(freshness).getByTestId('status-ok')).toBeInTheDocument();
    expect(freshness.querySelector('time')).toHaveAttribute(
      'datetime',
      '2026-11-23T09:30:00.000Z',
    );
    expect(fact('SLA')).toHaveTextContent(
      'each partition delivered within 4 h of its end',
    );
    expect(fact('Retention')).toHaveTextContent('raw 7 d, delivered 90 d');
    expect(fact('Personal data')).toHaveTextContent(
      "user.email encrypted with a key per person; user_id holds the person's pseudonym. Readable in clear by the event type's owners and the data platform admins (the decrypt API); erasing a person erases them here.",
    );
    expect(
      within(fact('Event type')).getByRole('link', {
        name: playbackStarted.name,
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/api/com.example.playback.started',
    );

    const location = fact('Location');
    expect(location).toHaveTextContent(
      'file:///var/data/delivered/com.example.playback.started',
    );
    // The newest partition's folder, in the pipeline's layout.
    expect(location).toHaveTextContent(
      'gzip -dc /var/data/delivered/com.example.playback.started/2026-11-23/09/part-*.ndjson.gz | head',
    );
    expect(
      within(location).getAllByRole('button', { name: /copy/i }),
    ).toHaveLength(2);

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

  it('says when the newest partition came later than the SLA', async () => {
    const health = playbackHealth(now);
    server.use(
      http.get(healthUrl, () =>
        HttpResponse.json({
          ...health,
          lastDelivered: {
            ...health.lastDelivered,
            deliveredAt: new Date(
              new Date(health.lastDelivered!.end).getTime() + 5 * 3_600_000,
            ).toISOString(),
          },
        }),
      ),
    );
    await render();

    const freshness = await screen.findByText(
      /delivered 5 h after it ended, later than the 4 h SLA/,
    );
    expect(within(freshness).getByTestId('status-warning')).toBeInTheDocument();
  });

  it('has no read command for a bucket, and says when nothing was delivered', async () => {
    server.use(
      http.get(healthUrl, () =>
        HttpResponse.json({ ...playbackHealth(now), lastDelivered: undefined }),
      ),
    );
    await render({
      ...playbackDatasetEntity,
      metadata: {
        ...playbackDatasetEntity.metadata,
        annotations: {
          ...playbackDatasetEntity.metadata.annotations,
          'delivery-pipeline/location':
            'gs://events/delivered/com.example.playback.started',
        },
      },
    });

    expect(
      await screen.findByText('Nothing delivered yet'),
    ).toBeInTheDocument();
    expect(fact('Location')).toHaveTextContent(
      'gs://events/delivered/com.example.playback.started',
    );
    expect(fact('Location')).not.toHaveTextContent('gzip');
  });

  it('says nothing of personal data for a dataset without any', async () => {
    server.use(
      http.get(healthUrl, () => HttpResponse.json(playbackHealth(now))),
    );
    const {
      'delivery-pipeline/personal-data-fields': _fields,
      'delivery-pipeline/data-subject': _subject,
      ...annotations
    } = playbackDatasetEntity.metadata.annotations!;
    await render({
      ...playbackDatasetEntity,
      metadata: { ...playbackDatasetEntity.metadata, annotations },
    });
    await screen.findByText(/delivered 10 min after it ended/);
    expect(screen.queryByText('Personal data', { selector: 'dt' })).toBeNull();
  });

  it('keeps the facts it has when the pipeline fails, with a Retry', async () => {
    let pipelineUp = false;
    server.use(
      http.get(healthUrl, () =>
        pipelineUp
          ? HttpResponse.json(playbackHealth(now))
          : backendError(503, 'Error', 'pipeline is restarting'),
      ),
    );
    await render();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load freshness: pipeline is restarting',
    );
    expect(fact('Retention')).toHaveTextContent('raw 7 d, delivered 90 d');
    expect(fact('Personal data')).toHaveTextContent(
      "user.email encrypted with a key per person; user_id holds the person's pseudonym. Readable in clear by the event type's owners and the data platform admins (the decrypt API); erasing a person erases them here.",
    );
    pipelineUp = true;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(
      await screen.findByText(/delivered 10 min after it ended/),
    ).toBeInTheDocument();
  });
});
