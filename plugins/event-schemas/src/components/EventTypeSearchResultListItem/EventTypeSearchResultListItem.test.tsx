import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EventTypeSearchDocument } from '@data-collection/plugin-event-schemas-common';
import { screen, within } from '@testing-library/react';
import { EventTypeSearchResultListItem } from './EventTypeSearchResultListItem';
import { isEventTypeSearchResult } from './isEventTypeSearchResult';

// As the search module indexes the demo's playback type.
const playback: EventTypeSearchDocument = {
  title: 'Playback started',
  text: 'Sent by the player when a track starts playing.',
  location: '/event-types/com.example.playback.started',
  name: 'com.example.playback.started',
  owner: 'group:default/playback',
  format: 'jsonschema',
  latestVersion: 2,
  lifecycle: 'production',
  tags: ['playback'],
  fields: ['user_id', 'track_id', 'position_ms', 'source'],
  authorization: { resourceRef: 'com.example.playback.started' },
};

describe('EventTypeSearchResultListItem', () => {
  it("shows the type's title linking to its page, its name, description, owner, format and latest version", async () => {
    await renderInTestApp(<EventTypeSearchResultListItem result={playback} />);

    expect(
      screen.getByRole('link', { name: 'Playback started' }),
    ).toHaveAttribute('href', '/event-types/com.example.playback.started');
    expect(
      screen.getByText('com.example.playback.started'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Sent by the player when a track starts playing.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Owner: group:default/playback'),
    ).toBeInTheDocument();
    expect(screen.getByText('Format: JSON Schema')).toBeInTheDocument();
    expect(screen.getByText('Latest version: 2')).toBeInTheDocument();
    expect(screen.getByText('Lifecycle: production')).toBeInTheDocument();
  });

  it('shows the name once for a type without a title', async () => {
    const untitled: EventTypeSearchDocument = {
      ...playback,
      title: playback.name,
      format: 'avro',
    };
    await renderInTestApp(<EventTypeSearchResultListItem result={untitled} />);

    expect(
      screen.getByRole('link', { name: 'com.example.playback.started' }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('com.example.playback.started')).toHaveLength(1);
    expect(screen.getByText('Format: Avro')).toBeInTheDocument();
  });

  it("marks the query's matches in the title and description", async () => {
    await renderInTestApp(
      <EventTypeSearchResultListItem
        result={playback}
        highlight={{
          preTag: '<em>',
          postTag: '</em>',
          fields: {
            title: '<em>Playback</em> started',
            text: 'Sent by the player when a <em>track</em> starts playing.',
          },
        }}
      />,
    );

    const link = screen.getByRole('link', { name: 'Playback started' });
    expect(within(link).getByText('Playback').tagName).toBe('MARK');
    expect(screen.getByText('track').tagName).toBe('MARK');
  });

  it('renders nothing for documents of other types', async () => {
    await renderInTestApp(
      <div data-testid="item">
        <EventTypeSearchResultListItem
          result={{ title: 'playback', text: '', location: '/catalog/x' }}
        />
      </div>,
    );

    expect(screen.getByTestId('item')).toBeEmptyDOMElement();
  });
});

describe('isEventTypeSearchResult', () => {
  it('picks the results of type event-type', () => {
    expect(isEventTypeSearchResult({ type: 'event-type' })).toBe(true);
    expect(isEventTypeSearchResult({ type: 'software-catalog' })).toBe(false);
  });
});
