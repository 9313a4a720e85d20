import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  pipelineUrl,
  playbackHealth,
  playbackStarted,
  renderWithApis,
} from '../../__testUtils__';
import { DatasetEntityContent } from './DatasetEntityContent';
import {
  playbackDatasetEntity,
  retentionDeletion,
  unrelatedEntity,
} from './testEntities';

const now = new Date();

// The delivery tab has its own tests, and with its charts and heatmap it
// takes seconds to render in jsdom; here it only shows what it was given.
jest.mock('../EventTypeDelivery', () => ({
  EventTypeDelivery: (props: { eventType: string }) => (
    <h2>Delivery of {props.eventType}</h2>
  ),
}));

describe('DatasetEntityContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const deletions = jest.fn();
  beforeEach(() => {
    deletions.mockReset();
    server.use(
      http.get(`${pipelineUrl}/event-types/:name/health`, () =>
        HttpResponse.json(playbackHealth(now)),
      ),
      http.get(`${pipelineUrl}/retention/deletions`, ({ request }) =>
        deletions(new URL(request.url).searchParams),
      ),
    );
  });

  const render = () =>
    renderWithApis(
      <EntityProvider entity={playbackDatasetEntity}>
        <DatasetEntityContent />
      </EntityProvider>,
    );

  it('shows the dataset, its delivery and what retention deleted', async () => {
    deletions.mockImplementation((query: URLSearchParams) => {
      expect(query.get('eventType')).toBe(playbackStarted.name);
      return HttpResponse.json({ items: [retentionDeletion(1)] });
    });
    await render();

    // The card's facts, the type's delivery, then retention, in that order.
    const freshness = await screen.findByText(
      /delivered 10 min after it ended/,
    );
    const delivery = screen.getByRole('heading', {
      name: `Delivery of ${playbackStarted.name}`,
    });
    const deleted = await screen.findByText('raw retention P7D passed');
    expect(
      freshness.compareDocumentPosition(delivery) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(
      delivery.compareDocumentPosition(deleted) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(
      screen.getByRole('heading', { name: 'Retention' }),
    ).toBeInTheDocument();
  });

  it('says so on a resource that is not a dataset', async () => {
    await renderWithApis(
      <EntityProvider entity={unrelatedEntity}>
        <DatasetEntityContent />
      </EntityProvider>,
    );

    expect(
      screen.getByText(/has no event-schemas\/event-type or/),
    ).toBeInTheDocument();
    expect(deletions).not.toHaveBeenCalled();
  });
});
