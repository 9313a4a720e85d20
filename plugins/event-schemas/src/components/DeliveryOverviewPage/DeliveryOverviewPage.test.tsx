import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
  EventTypeHealth,
} from '@data-collection/plugin-delivery-pipeline-common';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { act, screen, waitFor, within } from '@testing-library/react';
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
import { DeliveryOverviewPage } from './DeliveryOverviewPage';

const DAY_MS = 86_400_000;

// jsdom computes styles slowly; checking pointer-events on every click of
// a big table costs seconds.
const user = userEvent.setup({
  pointerEventsCheck: PointerEventsCheckLevel.Never,
});

const searchPerformed: EventType = {
  ...playbackStarted,
  name: 'com.example.search.performed',
  title: 'Search performed',
  owner: 'group:default/search',
  sla: { maxLateness: 'PT2H' },
};

// Registered, never sent an event: no health at all.
const checkoutCompleted: EventType = {
  ...playbackStarted,
  name: 'com.example.checkout.completed',
  title: 'Checkout completed',
  owner: 'group:default/payments',
};

function healthOf(
  now: Date,
  days: number,
): Record<'playback' | 'search', EventTypeHealth> {
  const playback = playbackHealth(now);
  const window = {
    from: new Date(now.getTime() - days * DAY_MS).toISOString(),
    to: now.toISOString(),
  };
  return {
    playback: {
      ...playback,
      window,
      slaCompliance:
        days === 1
          ? playback.slaCompliance
          : { due: 160, met: 159, compliance: 159 / 160 },
    },
    search: {
      ...playback,
      eventType: searchPerformed.name,
      window,
      sla: { maxLatenessMs: 7_200_000, source: 'registry' },
      slaCompliance:
        days === 1
          ? { due: 20, met: 10, compliance: 0.5 }
          : { due: 160, met: 150, compliance: 150 / 160 },
      latenessMs: { p50: 900_000, p95: 9_000_000, max: 12_000_000 },
      partitions: { open: 1, closed: 3, delivered: 20, expired: 0 },
      duplicateRate: 0,
      failedRate: 0.2,
    },
  };
}

describe('DeliveryOverviewPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const windows: number[] = [];

  /** Answers health by window: the last day, or the last week. */
  function serveHealth(items: (days: number) => EventTypeHealth[]) {
    server.use(
      http.get(`${pipelineUrl}/event-types/health`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        const days = Math.round(
          (Date.parse(query.get('to')!) - Date.parse(query.get('from')!)) /
            DAY_MS,
        );
        windows.push(days);
        return HttpResponse.json({ items: items(days) });
      }),
    );
  }

  function serveEventTypes(items: EventType[]) {
    server.use(
      http.get(`${registryUrl}/event-types`, () =>
        HttpResponse.json({ items, totalItems: items.length }),
      ),
    );
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
  const rowNames = () =>
    Array.from(
      document.querySelectorAll<HTMLAnchorElement>(
        'tbody tr a[href$="/delivery"]',
      ),
    ).map(link => link.textContent);

  beforeEach(() => {
    windows.length = 0;
  });

  it('lists every type worst first, with its compliance, lateness and backlog', async () => {
    const now = new Date();
    serveHealth(days => Object.values(healthOf(now, days)));
    serveEventTypes([playbackStarted, searchPerformed, checkoutCompleted]);
    await renderWithApis(<DeliveryOverviewPage />);

    expect(
      (await screen.findByText(searchPerformed.name)).closest('a'),
    ).toHaveAttribute(
      'href',
      '/event-types/com.example.search.performed/delivery',
    );
    expect(windows.sort()).toEqual([1, 7]);

    // Search breached its SLA in the last day, playback only warns; the
    // registered type that sent nothing comes last.
    expect(rowNames()).toEqual([
      searchPerformed.name,
      playbackStarted.name,
      checkoutCompleted.name,
    ]);

    const search = rowOf(searchPerformed.name);
    expect(within(search).getByText('50% (10/20)')).toHaveAttribute(
      'data-sla-status',
      'breached',
    );
    expect(within(search).getByText('93.8% (150/160)')).toHaveAttribute(
      'data-sla-status',
      'breached',
    );
    expect(within(search).getByText('2 h')).toBeInTheDocument();
    expect(within(search).getByText('2 h 30 min')).toBeInTheDocument();
    expect(within(search).getByText('1 / 3')).toBeInTheDocument();
    expect(within(search).getByText('20%')).toBeInTheDocument();
    expect(control('search', search)).toHaveAttribute(
      'href',
      '/catalog/default/group/search',
    );

    const playback = rowOf(playbackStarted.name);
    expect(within(playback).getByText('95% (19/20)')).toHaveAttribute(
      'data-sla-status',
      'warning',
    );
    expect(within(playback).getByText('99.4% (159/160)')).toHaveAttribute(
      'data-sla-status',
      'ok',
    );
    expect(within(playback).getByText('5 h')).toBeInTheDocument();
    expect(within(playback).getByText('3.2%')).toBeInTheDocument();
    expect(playback.querySelector('time')).toHaveAttribute(
      'datetime',
      playbackHealth(now).lastDelivered!.deliveredAt,
    );

    const checkout = rowOf(checkoutCompleted.name);
    expect(within(checkout).getAllByText('No events')).toHaveLength(2);
    expect(within(checkout).getByText('4 h')).toBeInTheDocument();

    const summary = document.querySelector<HTMLElement>(
      'section[aria-label="Summary"]',
    )!;
    expect(
      within(summary).getByText('of 2 event types with events'),
    ).toBeInTheDocument();
    expect(
      within(summary).getByText('29 of 40 partitions on time'),
    ).toBeInTheDocument();
    expect(within(summary).getByText('72.5%')).toBeInTheDocument();
    expect(
      within(summary).getByText('309 of 320 partitions on time'),
    ).toBeInTheDocument();
    expect(within(summary).getByText('6')).toBeInTheDocument();
    expect(within(summary).getByText('2 open, 4 closed')).toBeInTheDocument();
  });

  it('sorts by any column', async () => {
    const now = new Date();
    serveHealth(days => Object.values(healthOf(now, days)));
    serveEventTypes([playbackStarted, searchPerformed]);
    await renderWithApis(<DeliveryOverviewPage />);
    await screen.findByText(searchPerformed.name);
    expect(rowNames()).toEqual([searchPerformed.name, playbackStarted.name]);

    await user.click(screen.getByText('p95 lateness 24 h'));
    expect(rowNames()).toEqual([searchPerformed.name, playbackStarted.name]);
    await user.click(screen.getByText('p95 lateness 24 h'));
    expect(rowNames()).toEqual([playbackStarted.name, searchPerformed.name]);
  });

  it('explains where partitions come from when there are none', async () => {
    serveHealth(() => []);
    serveEventTypes([playbackStarted]);
    await renderWithApis(<DeliveryOverviewPage />);

    expect(
      await screen.findByText(
        'No partitions yet: events appear here once producers send them',
      ),
    ).toBeInTheDocument();
    // A link styled as a button (Backstage's LinkButton).
    expect(control('All event types')).toHaveAttribute('href', '/event-types');
  });

  it("shows the pipeline's error and loads again on retry", async () => {
    const now = new Date();
    let failing = true;
    server.use(
      http.get(`${pipelineUrl}/event-types/health`, () =>
        failing
          ? failure('The delivery pipeline database is unreachable')
          : HttpResponse.json({ items: Object.values(healthOf(now, 1)) }),
      ),
    );
    serveEventTypes([playbackStarted, searchPerformed]);
    await renderWithApis(<DeliveryOverviewPage />);

    expect(
      await screen.findByText(/Could not load the delivery health/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/The delivery pipeline database is unreachable/)
        .length,
    ).toBeGreaterThan(0);

    failing = false;
    await user.click(control('Retry'));
    expect(await screen.findByText(searchPerformed.name)).toBeInTheDocument();
  });

  it('still shows delivery when the registry fails, and adds owners on retry', async () => {
    const now = new Date();
    serveHealth(days => Object.values(healthOf(now, days)));
    let failing = true;
    server.use(
      http.get(`${registryUrl}/event-types`, () =>
        failing
          ? failure('The registry database is unreachable')
          : HttpResponse.json({ items: [playbackStarted], totalItems: 1 }),
      ),
    );
    await renderWithApis(<DeliveryOverviewPage />);

    expect(await screen.findByText(searchPerformed.name)).toBeInTheDocument();
    expect(
      screen.getByText(/Could not load the event types/),
    ).toBeInTheDocument();
    expect(screen.queryByText('playback')).toBeNull();

    failing = false;
    await user.click(control('Retry'));
    expect((await screen.findByText('playback')).closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/group/playback',
    );
    expect(screen.queryByText(/Could not load the event types/)).toBeNull();
  });

  it('loads the health again when the pipeline signals a partition change', async () => {
    const now = new Date();
    const health = healthOf(now, 1);
    serveHealth(() => [health.playback]);
    serveEventTypes([playbackStarted]);
    let send: ((message: object) => void) | undefined;
    const signals: SignalApi = {
      subscribe: (channel, onMessage) => {
        if (channel === DELIVERY_PARTITIONS_SIGNAL_CHANNEL) {
          send = onMessage as unknown as (message: object) => void;
        }
        return { unsubscribe: () => {} };
      },
    };
    await renderWithApis(<DeliveryOverviewPage />, {
      apis: [[signalApiRef, signals]],
    });
    await screen.findByText(playbackStarted.name, { selector: 'a' });
    // The last day and the last week.
    expect(windows).toEqual([1, 7]);

    act(() =>
      send!({
        eventType: 'com.example.search.performed',
        partitionStart: now.toISOString(),
        state: 'delivered',
      }),
    );

    await waitFor(() => expect(windows).toEqual([1, 7, 1, 7]));
  });
});
