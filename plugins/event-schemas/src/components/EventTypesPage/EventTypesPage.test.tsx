import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EventTypeHealth } from '@data-collection/plugin-delivery-pipeline-common';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent, {
  PointerEventsCheckLevel,
} from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  pipelineUrl,
  playbackHealth,
  playbackStarted,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { EventTypesPage } from './EventTypesPage';

const searchPerformed: EventType = {
  ...playbackStarted,
  name: 'com.example.search.performed',
  title: 'Search performed',
  description: 'A listener searched the catalogue.',
  owner: 'group:default/search',
  format: 'avro',
  lifecycle: 'experimental',
  tags: ['search'],
  sla: { maxLateness: 'PT2H' },
  latestVersion: 5,
  deprecation: {
    reason: 'Replaced by the v2 search events.',
    successor: 'com.example.search.submitted',
    deprecatedAt: '2026-11-20T10:00:00.000Z',
    deprecatedBy: 'user:default/carol',
  },
};

// Registered, never sent an event: the pipeline has no health for it.
// Retired since: its events are refused.
const checkoutCompleted: EventType = {
  ...playbackStarted,
  name: 'com.example.checkout.completed',
  title: 'Checkout completed',
  description: 'A listener bought a subscription.',
  owner: 'group:default/payments',
  tags: ['payments'],
  state: 'retired',
  deprecation: {
    reason: 'Payments moved.',
    successor: 'com.example.payment.completed',
    sunsetAt: '2026-12-01T00:00:00.000Z',
    deprecatedAt: '2026-11-01T00:00:00.000Z',
    deprecatedBy: 'user:default/alice',
    retiredAt: '2026-12-01T00:03:00.000Z',
    retiredBy: 'plugin:event-schemas/sunset',
  },
};

const eventTypes = [playbackStarted, searchPerformed, checkoutCompleted];

// jsdom computes styles slowly; checking pointer-events on every click of
// a big table costs seconds.
const user = userEvent.setup({
  pointerEventsCheck: PointerEventsCheckLevel.Never,
});

function healthNow(): EventTypeHealth[] {
  const playback = playbackHealth();
  return [
    playback,
    {
      ...playback,
      eventType: searchPerformed.name,
      sla: { maxLatenessMs: 7_200_000, source: 'registry' },
      slaCompliance: { due: 20, met: 10, compliance: 0.5 },
      volume: { ...playback.volume, received: 480 },
    },
  ];
}

const failure = (message: string) =>
  backendError(503, 'ServiceUnavailableError', message);

// Queries by text, not by role: computing roles over a whole table is
// slow enough to time tests out.

/** The link or button whose label is `name`. */
const control = (name: string, within_: HTMLElement = document.body) =>
  within(within_).getByText(name).closest('a, button') as HTMLElement;

/** The row of an event type, found by its link. */
const rowOf = (name: string) =>
  screen.getByText(name, { selector: 'a' }).closest('tr') as HTMLElement;

/** The event types the table shows, top to bottom. */
const shownNames = () =>
  Array.from(
    document.querySelectorAll<HTMLAnchorElement>(
      'tbody tr a[href$="/overview"]',
    ),
  ).map(link => link.textContent);

describe('EventTypesPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(
    options: { types?: EventType[]; health?: EventTypeHealth[] } = {},
  ) {
    server.use(
      http.get(`${registryUrl}/event-types`, () =>
        HttpResponse.json({
          items: options.types ?? eventTypes,
          totalItems: (options.types ?? eventTypes).length,
        }),
      ),
      http.get(`${pipelineUrl}/event-types/health`, () =>
        HttpResponse.json({ items: options.health ?? healthNow() }),
      ),
    );
  }

  it('lists every event type with its owner, schema and delivery', async () => {
    const health = healthNow();
    serve({ health });
    await renderWithApis(<EventTypesPage />);

    expect(
      (await screen.findByText(playbackStarted.name)).closest('a'),
    ).toHaveAttribute(
      'href',
      '/event-types/com.example.playback.started/overview',
    );
    expect(screen.getByText('Event types (3)')).toBeInTheDocument();
    expect(control('Register event type')).toHaveAttribute(
      'href',
      '/event-types/new',
    );
    expect(control('Delivery overview')).toHaveAttribute(
      'href',
      '/event-types/delivery',
    );
    expect(control('Data subjects')).toHaveAttribute(
      'href',
      '/event-types/data-subjects',
    );

    const playback = rowOf(playbackStarted.name);
    expect(within(playback).getByText('Playback started')).toBeInTheDocument();
    expect(control('playback', playback)).toHaveAttribute(
      'href',
      '/catalog/default/group/playback',
    );
    expect(within(playback).getByText('jsonschema')).toBeInTheDocument();
    expect(within(playback).getByText('production')).toBeInTheDocument();
    expect(within(playback).getByText('v2')).toBeInTheDocument();
    expect(within(playback).getByText('24,120')).toBeInTheDocument();
    expect(within(playback).getByText('4 h')).toBeInTheDocument();
    expect(within(playback).getByText('95% on time')).toHaveAttribute(
      'data-sla-status',
      'warning',
    );
    expect(
      within(playback).getByText('95% on time').closest('a'),
    ).toHaveAttribute(
      'href',
      '/event-types/com.example.playback.started/delivery',
    );

    const search = rowOf(searchPerformed.name);
    expect(within(search).getByText('50% on time')).toHaveAttribute(
      'data-sla-status',
      'breached',
    );
    expect(within(search).getByText('Deprecated')).toBeInTheDocument();
    expect(within(search).getByText('2 h')).toBeInTheDocument();

    // Nothing received is no data, not a failure.
    const checkout = rowOf(checkoutCompleted.name);
    expect(
      within(checkout).getByLabelText(
        'Retired: Payments moved. Use com.example.payment.completed instead.',
      ),
    ).toHaveTextContent('Retired');
    expect(within(checkout).getByText('No events')).toHaveAttribute(
      'data-sla-status',
      'no-data',
    );
    expect(within(checkout).getByText('0')).toBeInTheDocument();

    // The details of a status on hover: when it was last delivered, how late.
    await user.hover(within(playback).getByText('95% on time'));
    const tooltip = (
      await screen.findByText('19 of 20 partitions delivered on time')
    ).closest<HTMLElement>('[role="tooltip"]')!;
    expect(tooltip).toHaveTextContent('p95 lateness: 5 h');
    expect(tooltip.querySelector('time')).toHaveAttribute(
      'datetime',
      health[0].lastDelivered!.deliveredAt,
    );
  });

  it('applies the filters in the URL, and keeps what the user picks there', async () => {
    serve();
    await renderWithApis(<EventTypesPage />, {
      initialRouteEntries: ['/event-types?owner=group:default/playback'],
    });

    await screen.findByText(playbackStarted.name);
    expect(shownNames()).toEqual([playbackStarted.name]);
    expect(screen.getByLabelText('Owner')).toHaveValue(
      'group:default/playback',
    );
    expect(screen.getByText('Event types (1 of 3)')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Owner'), '');
    expect(shownNames()).toHaveLength(3);

    await user.selectOptions(
      screen.getByLabelText('SLA status, 24 h'),
      'no-data',
    );
    expect(shownNames()).toEqual([checkoutCompleted.name]);

    await user.selectOptions(
      screen.getByLabelText('SLA status, 24 h'),
      'breached',
    );
    expect(shownNames()).toEqual([searchPerformed.name]);

    await user.click(control('Clear filters'));
    expect(shownNames()).toHaveLength(3);

    // One change, as a paste would: typing re-filters on every key.
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'subscription' },
    });
    expect(shownNames()).toEqual([checkoutCompleted.name]);
  });

  it('combines search, format, lifecycle and status from a shared link', async () => {
    serve();
    await renderWithApis(<EventTypesPage />, {
      initialRouteEntries: [
        '/event-types?q=search&format=avro&lifecycle=experimental&status=breached',
      ],
    });

    await screen.findByText(searchPerformed.name);
    expect(shownNames()).toEqual([searchPerformed.name]);
    expect(screen.getByLabelText('Search')).toHaveValue('search');
    expect(screen.getByLabelText('Format')).toHaveValue('avro');
    expect(screen.getByLabelText('Lifecycle')).toHaveValue('experimental');
    expect(screen.getByLabelText('SLA status, 24 h')).toHaveValue('breached');

    await user.selectOptions(screen.getByLabelText('Lifecycle'), 'production');
    expect(
      screen.getByText('No event types match these filters.'),
    ).toBeInTheDocument();
  });

  it('explains how to register the first event type when there is none', async () => {
    serve({ types: [], health: [] });
    await renderWithApis(<EventTypesPage />);

    expect(
      await screen.findByText('No event types registered yet'),
    ).toBeInTheDocument();
    expect(control('Register the first event type')).toHaveAttribute(
      'href',
      '/event-types/new',
    );
  });

  it("shows the registry's error and loads again on retry", async () => {
    let calls = 0;
    server.use(
      http.get(`${registryUrl}/event-types`, () => {
        calls += 1;
        return calls === 1
          ? failure('The registry database is unreachable')
          : HttpResponse.json({ items: eventTypes, totalItems: 3 });
      }),
      http.get(`${pipelineUrl}/event-types/health`, () =>
        HttpResponse.json({ items: healthNow() }),
      ),
    );
    await renderWithApis(<EventTypesPage />);

    expect(
      await screen.findByText(/Could not load the event types/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/The registry database is unreachable/).length,
    ).toBeGreaterThan(0);

    await user.click(control('Retry'));
    expect(await screen.findByText(playbackStarted.name)).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('shows the registry when delivery health fails, and the health on retry', async () => {
    let failing = true;
    server.use(
      http.get(`${registryUrl}/event-types`, () =>
        HttpResponse.json({ items: eventTypes, totalItems: 3 }),
      ),
      http.get(`${pipelineUrl}/event-types/health`, () =>
        failing
          ? failure('The delivery pipeline database is unreachable')
          : HttpResponse.json({ items: healthNow() }),
      ),
    );
    await renderWithApis(<EventTypesPage />, {
      initialRouteEntries: ['/event-types?status=breached'],
    });

    // Every type shows: a status filter cannot apply without statuses.
    await screen.findByText(playbackStarted.name);
    expect(shownNames()).toHaveLength(3);
    expect(
      screen.getByText(/Could not load delivery health/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/The delivery pipeline database is unreachable/)
        .length,
    ).toBeGreaterThan(0);
    expect(screen.getByLabelText('SLA status, 24 h')).toBeDisabled();
    expect(
      within(rowOf(playbackStarted.name)).queryByText('95% on time'),
    ).toBeNull();

    failing = false;
    await user.click(control('Retry'));
    await waitFor(() => expect(shownNames()).toEqual([searchPerformed.name]));
    expect(screen.queryByText(/Could not load delivery health/)).toBeNull();
    expect(
      within(rowOf(searchPerformed.name)).getByText('50% on time'),
    ).toBeInTheDocument();
  });
});
