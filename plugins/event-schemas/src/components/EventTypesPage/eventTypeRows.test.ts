import { EventType } from '@data-collection/plugin-event-schemas-common';
import { playbackHealth, playbackStarted } from '../../__testUtils__';
import {
  EventTypeFilters,
  eventTypeRows,
  matchesFilters,
} from './eventTypeRows';

const searchPerformed: EventType = {
  ...playbackStarted,
  name: 'com.example.search.performed',
  title: 'Search performed',
  description: 'A listener searched the catalogue.',
  owner: 'group:default/search',
  format: 'avro',
  tags: ['discovery'],
};

const none: EventTypeFilters = {
  q: '',
  owner: '',
  format: '',
  lifecycle: '',
  status: '',
};

describe('eventTypeRows', () => {
  it('joins the health of the types that have any', () => {
    const health = playbackHealth();
    const rows = eventTypeRows([playbackStarted, searchPerformed], [health]);
    expect(rows[0].delivery).toEqual({ health, status: 'warning' });
    // Received nothing: no data, not a failure.
    expect(rows[1].delivery).toEqual({ health: undefined, status: 'no-data' });
  });

  it('leaves delivery unknown without the health', () => {
    expect(eventTypeRows([playbackStarted], undefined)).toEqual([
      { eventType: playbackStarted },
    ]);
  });
});

describe('matchesFilters', () => {
  const [playback, search] = eventTypeRows(
    [playbackStarted, searchPerformed],
    [playbackHealth()],
  );
  const names = (filters: Partial<EventTypeFilters>) =>
    [playback, search]
      .filter(row => matchesFilters(row, { ...none, ...filters }))
      .map(row => row.eventType.name);

  it('searches every word in the name, title, description, owner and tags', () => {
    expect(names({})).toHaveLength(2);
    expect(names({ q: 'SEARCHED catalogue' })).toEqual([searchPerformed.name]);
    expect(names({ q: 'discovery' })).toEqual([searchPerformed.name]);
    expect(names({ q: 'group:default/playback' })).toEqual([
      playbackStarted.name,
    ]);
    expect(names({ q: 'playback catalogue' })).toEqual([]);
  });

  it('filters on owner, format, lifecycle and status', () => {
    expect(names({ owner: 'group:default/search' })).toEqual([
      searchPerformed.name,
    ]);
    expect(names({ format: 'jsonschema' })).toEqual([playbackStarted.name]);
    expect(names({ lifecycle: 'experimental' })).toEqual([]);
    expect(names({ status: 'no-data' })).toEqual([searchPerformed.name]);
    expect(names({ status: 'warning' })).toEqual([playbackStarted.name]);
  });

  it('ignores the status while delivery is unknown', () => {
    const [unknown] = eventTypeRows([playbackStarted], undefined);
    expect(matchesFilters(unknown, { ...none, status: 'breached' })).toBe(true);
  });
});
