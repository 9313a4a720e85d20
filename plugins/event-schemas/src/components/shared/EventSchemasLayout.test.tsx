import { screen } from '@testing-library/react';
import { renderWithApis } from '../../__testUtils__';
import { EventSchemasLayout } from './EventSchemasLayout';
import { Timestamp } from './Timestamp';

describe('EventSchemasLayout', () => {
  it('titles the page and links back to the event types', async () => {
    await renderWithApis(
      <EventSchemasLayout title="com.example.playback.started">
        <Timestamp value="2026-11-23T10:00:00.000Z" />
      </EventSchemasLayout>,
    );

    expect(
      screen.getByRole('heading', {
        level: 1,
        name: 'com.example.playback.started',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Event types' })).toHaveAttribute(
      'href',
      '/event-types',
    );
    // Local time on the page, UTC in the element (and on hover).
    expect(document.querySelector('time')).toHaveAttribute(
      'datetime',
      '2026-11-23T10:00:00.000Z',
    );
  });
});
