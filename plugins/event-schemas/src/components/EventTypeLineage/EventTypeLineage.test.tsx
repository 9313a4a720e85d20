import { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  catalogGraphApiRef,
  DefaultCatalogGraphApi,
} from '@backstage/plugin-catalog-graph';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { playbackStarted, renderWithApis } from '../../__testUtils__';
import { EventTypeLineage } from './EventTypeLineage';

const API_REF = 'api:default/com.example.playback.started';
const DATASET_REF = 'resource:default/com.example.playback.started-dataset';

function entity(
  kind: string,
  name: string,
  relations: Array<[string, string]>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {},
    relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
  };
}

// The catalog as its processors leave it: both ends of every relation.
const apiEntity = entity('API', 'com.example.playback.started', [
  ['apiProvidedBy', 'component:default/playback-service'],
  ['dependencyOf', DATASET_REF],
]);
const datasetEntity = entity(
  'Resource',
  'com.example.playback.started-dataset',
  [
    ['dependsOn', API_REF],
    ['dependencyOf', 'component:default/listening-stats'],
    ['dependencyOf', 'component:default/search-relevance-training'],
  ],
);
const lineageEntities = [
  apiEntity,
  datasetEntity,
  entity('Component', 'playback-service', [
    ['providesApi', API_REF],
    ['dependsOn', 'resource:default/playback-db'],
  ]),
  entity('Resource', 'playback-db', [
    ['dependencyOf', 'component:default/playback-service'],
  ]),
  entity('Component', 'listening-stats', [['dependsOn', DATASET_REF]]),
  entity('Component', 'search-relevance-training', [
    ['dependsOn', DATASET_REF],
  ]),
];

describe('EventTypeLineage', () => {
  // Nothing here talks HTTP; msw fails the test if something tries to.
  const server = setupServer();
  registerMswTestHooks(server);

  // jsdom does no layout; the graph measures its nodes' labels with getBBox.
  const svgPrototype = window.SVGElement.prototype as any;
  beforeAll(() => {
    svgPrototype.getBBox = () => ({ x: 0, y: 0, width: 120, height: 20 });
  });
  afterAll(() => {
    delete svgPrototype.getBBox;
  });

  const render = (catalogApi: unknown) =>
    renderWithApis(<EventTypeLineage eventType={playbackStarted} />, {
      apis: [
        [catalogApiRef, catalogApi],
        [catalogGraphApiRef, new DefaultCatalogGraphApi()],
      ],
    });

  const section = (title: string) =>
    screen.getByRole('region', { name: title });

  it('lists who produces the type, where it lands and who reads it', async () => {
    await render(catalogApiMock({ entities: lineageEntities }));

    const producedBy = await screen.findByRole('region', {
      name: 'Produced by',
    });
    expect(
      within(producedBy).getByRole('link', { name: /playback-service/ }),
    ).toHaveAttribute('href', '/catalog/default/component/playback-service');
    expect(
      within(section('Lands in')).getByRole('link', {
        name: /com\.example\.playback\.started-dataset/,
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/resource/com.example.playback.started-dataset',
    );
    const readBy = within(section('Read by'));
    expect(readBy.getAllByRole('link').map(link => link.textContent)).toEqual([
      expect.stringContaining('listening-stats'),
      expect.stringContaining('search-relevance-training'),
    ]);
    // The producer's own database is not part of the type's lineage.
    expect(screen.queryByText(/playback-db/)).not.toBeInTheDocument();
  });

  it('draws the lineage as the catalog graph, a node opening its entity', async () => {
    const Location = () => <output>{useLocation().pathname}</output>;
    await renderWithApis(
      <>
        <EventTypeLineage eventType={playbackStarted} />
        <Location />
      </>,
      {
        apis: [
          catalogApiMock({ entities: lineageEntities }),
          [catalogGraphApiRef, new DefaultCatalogGraphApi()],
        ],
      },
    );

    const graph = await screen.findByRole('figure', { name: 'Lineage graph' });
    const consumer = await within(graph).findByText('listening-stats');
    expect(within(graph).getByText('playback-service')).toBeInTheDocument();
    expect(within(graph).queryByText('playback-db')).not.toBeInTheDocument();
    // The edges read the way the events flow.
    expect(
      within(graph)
        .getAllByTestId('label')
        .map(label => label.textContent),
    ).toEqual(
      expect.arrayContaining([
        'providesApi / apiProvidedBy',
        'dependencyOf / dependsOn',
      ]),
    );

    await userEvent.click(consumer);
    expect(screen.getByRole('status')).toHaveTextContent(
      '/catalog/default/component/listening-stats',
    );
  });

  it('keeps the list where the app has no catalog graph plugin', async () => {
    await renderWithApis(<EventTypeLineage eventType={playbackStarted} />, {
      apis: [catalogApiMock({ entities: lineageEntities })],
    });

    expect(
      await screen.findByText(/The graph needs the catalog graph plugin/),
    ).toBeInTheDocument();
    expect(
      within(section('Produced by')).getByRole('link', {
        name: /playback-service/,
      }),
    ).toBeInTheDocument();
  });

  it('says what to declare where a hop of the lineage is missing', async () => {
    await render(
      catalogApiMock({
        entities: [entity('API', 'com.example.playback.started', [])],
      }),
    );

    const producedBy = await screen.findByRole('region', {
      name: 'Produced by',
    });
    expect(producedBy).toHaveTextContent(
      `No producer declares providesApis: ${API_REF} yet`,
    );
    expect(producedBy).toHaveTextContent(`providesApis: ["${API_REF}"]`);
    expect(section('Lands in')).toHaveTextContent(
      `${DATASET_REF} is not in the catalog yet`,
    );
    expect(section('Read by')).toHaveTextContent(
      `dependsOn: ["${DATASET_REF}"]`,
    );
  });

  it('says so while the event type is not in the catalog yet', async () => {
    await render(catalogApiMock({ entities: [] }));

    expect(
      await screen.findByText(`${API_REF} is not in the catalog yet`),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Check again' }),
    ).toBeInTheDocument();
  });

  it('shows a failed catalog request, and loads again on Retry', async () => {
    const entities = catalogApiMock({ entities: lineageEntities });
    let down = true;
    const catalogApi = {
      ...entities,
      getEntityByRef: jest.fn(async (ref: any) => {
        if (down) throw new Error('catalog is down');
        return entities.getEntityByRef(ref);
      }),
      getEntitiesByRefs: (request: any) => entities.getEntitiesByRefs(request),
    };
    await render(catalogApi);

    expect(
      await screen.findByText(/Could not load the lineage from the catalog/),
    ).toBeInTheDocument();
    expect(screen.getByText('catalog is down')).toBeInTheDocument();
    down = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(
      await screen.findByRole('region', { name: 'Produced by' }),
    ).toHaveTextContent('playback-service');
  });
});
