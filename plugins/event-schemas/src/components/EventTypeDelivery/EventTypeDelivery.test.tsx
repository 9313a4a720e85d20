import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  DELIVERY_PARTITIONS_SIGNAL_CHANNEL,
  DeliveryPartitionSignal,
  Partition,
} from '@data-collection/plugin-delivery-pipeline-common';
import {
  act,
  configure,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  pipelineUrl,
  playbackHealth,
  playbackPartitions,
  playbackStarted,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { EventTypeDelivery } from './EventTypeDelivery';
import { formatDay, formatLocalHour } from './hours';

const server = setupServer();
registerMswTestHooks(server);

// A week of hourly cells is a big DOM for jsdom: give the rendering time on a
// busy machine.
configure({ asyncUtilTimeout: 5_000 });
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const name = playbackStarted.name;

const failure = backendError;

// Queries by text and label, not by role, where the heatmap is on screen:
// role queries check every element's accessibility, which takes seconds over
// hundreds of buttons.

/** A button by its text. */
const button = (text: string | RegExp) =>
  screen.getByText(text, { selector: 'button, button *' }).closest('button')!;

/** The accessible name of an hour's heatmap cell. */
const cellName = (start: number, state: string) =>
  `${formatDay(new Date(start))} ${formatLocalHour(new Date(start))}: ${state}`;

/** Serves the fixtures; returns the URLs of the partition requests. */
function serve(
  options: {
    partitions?: Partition[];
    failedEvents?: object;
  } = {},
) {
  const now = new Date();
  const requests: URL[] = [];
  server.use(
    http.get(`${pipelineUrl}/event-types/:name/health`, () =>
      HttpResponse.json(playbackHealth(now)),
    ),
    http.get(`${pipelineUrl}/partitions`, ({ request }) => {
      requests.push(new URL(request.url));
      return HttpResponse.json({
        items: options.partitions ?? playbackPartitions(now),
      });
    }),
    http.get(`${pipelineUrl}/failed-events`, () =>
      HttpResponse.json(options.failedEvents ?? { items: [] }),
    ),
  );
  return { now, requests };
}

/** Sixty delivered one-minute partitions filling the hour from `start`. */
function minutePartitions(start: number): Partition[] {
  return Array.from({ length: 60 }, (_, minute) => {
    const from = start + minute * MINUTE_MS;
    const latenessMs = minute === 59 ? 900_000 : 60_000;
    return {
      eventType: name,
      start: new Date(from).toISOString(),
      end: new Date(from + MINUTE_MS).toISOString(),
      state: 'delivered',
      counts: {
        received: 10,
        bytes: 1000,
        duplicates: 1,
        conflicts: 0,
        failed: 0,
        delivered: 9,
      },
      closedAt: new Date(from + 2 * MINUTE_MS).toISOString(),
      deliveredAt: new Date(from + MINUTE_MS + latenessMs).toISOString(),
      latenessMs,
      slaMet: true,
    };
  });
}

describe('EventTypeDelivery', () => {
  it('shows the health numbers of the range', async () => {
    serve();
    await renderWithApis(<EventTypeDelivery eventType={name} />);

    expect(await screen.findByText('95%')).toBeInTheDocument();
    expect(
      screen.getByText('19 of 20 partitions due met the SLA'),
    ).toBeInTheDocument();
    expect(screen.getByText('4 h at most')).toBeInTheDocument();
    expect(screen.getByText('Set by the event type')).toBeInTheDocument();
    expect(screen.getByText('10 min / 5 h / 5 h')).toBeInTheDocument();
    expect(screen.getByText('24,120 received')).toBeInTheDocument();
    expect(screen.getByText('21,296 delivered')).toBeInTheDocument();
    expect(screen.getByText('3.2%')).toBeInTheDocument();
    expect(screen.getByText('1%')).toBeInTheDocument();
    expect(
      screen.getByText('225 failed events, rejected by ingest'),
    ).toBeInTheDocument();
    expect(screen.getByText('22 delivered')).toBeInTheDocument();
    expect(
      screen.getByText('1 open · 1 closed · 0 expired'),
    ).toBeInTheDocument();
    expect(screen.getByText('Health, last 7 days').tagName).toBe('H2');
  });

  it('paints every hour of the range and sums the heatmap up', async () => {
    const { now } = serve();
    await renderWithApis(<EventTypeDelivery eventType={name} />);

    // 24 hours of partitions in 7 days: 21 delivered on time, 1 late, the
    // last two not due yet, and no events at all in the other 144.
    expect(
      await screen.findByLabelText(
        '7 days of partitions by hour: 21 on time, 1 late, 2 open, 144 missing',
      ),
    ).toHaveAttribute('role', 'img');
    const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const grid = document.querySelector<HTMLElement>('[role=grid]')!;
    expect(
      within(grid).getByLabelText(cellName(currentHour - 5 * HOUR_MS, 'late')),
    ).toBeInTheDocument();
    expect(
      within(grid).getByLabelText(
        cellName(currentHour - 2 * HOUR_MS, 'on time'),
      ),
    ).toBeInTheDocument();
    expect(
      within(grid).getByLabelText(cellName(currentHour - 1 * HOUR_MS, 'open')),
    ).toBeInTheDocument();
    expect(
      within(grid).getByLabelText(
        cellName(currentHour - 30 * HOUR_MS, 'missing'),
      ),
    ).toBeInTheDocument();
    expect(grid.querySelectorAll('button')).toHaveLength(168);
    // The legend says what a missing hour means.
    expect(
      screen.getByText('Missing (no partition: lost or stalled): 144'),
    ).toBeInTheDocument();
    // The charts' numbers are in words too.
    expect(
      screen.getByText(/Events per hour over the last 7 days: 23,120 received/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/1 of 22 delivered hours later than the SLA of 4 h\.$/),
    ).toBeInTheDocument();
  });

  it('moves through the hours with the keyboard', async () => {
    const { now } = serve();
    await renderWithApis(<EventTypeDelivery eventType={name} />);

    const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const current = await screen.findByLabelText(cellName(currentHour, 'open'));
    // One cell in the tab order: the latest hour.
    const grid = document.querySelector<HTMLElement>('[role=grid]')!;
    expect(grid.querySelectorAll('button[tabindex="0"]')).toHaveLength(1);
    expect(current).toHaveAttribute('tabindex', '0');

    act(() => current.focus());
    await userEvent.keyboard('{ArrowLeft}');
    const previous = screen.getByLabelText(
      cellName(currentHour - HOUR_MS, 'open'),
    );
    expect(previous).toHaveFocus();
    expect(previous).toHaveAttribute('tabindex', '0');
    expect(current).toHaveAttribute('tabindex', '-1');
    // Its numbers show, and describe it.
    const tooltip = document.getElementById(
      previous.getAttribute('aria-describedby')!,
    );
    expect(tooltip).toHaveTextContent('Received 1,000');
    await userEvent.keyboard('{Escape}');
    expect(previous).not.toHaveAttribute('aria-describedby');

    await userEvent.keyboard('{ArrowUp}');
    const dayBefore = screen.getByLabelText(
      cellName(currentHour - 25 * HOUR_MS, 'missing'),
    );
    expect(dayBefore).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(
      await screen.findByText(
        'This hour has no partition, although every hour of the type gets one (delivered empty when nothing is received): the pipeline lost it or is stalled.',
      ),
    ).toBeInTheDocument();
    expect(dayBefore.parentElement).toHaveAttribute('aria-selected', 'true');
  });

  it('sums one-minute partitions into their hour, lists them and previews one', async () => {
    const now = new Date();
    const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
    const partitions = minutePartitions(hour);
    serve({ partitions });
    const previews: URL[] = [];
    server.use(
      http.get(
        `${pipelineUrl}/partitions/:eventType/:start/preview`,
        ({ request, params }) => {
          previews.push(new URL(request.url));
          return HttpResponse.json({
            eventType: params.eventType,
            start: params.start,
            rows: [
              {
                specversion: '1.0',
                id: 'evt-1',
                source: 'app/ios',
                type: name,
                time: new Date(hour).toISOString(),
                receivedAt: new Date(hour + 500).toISOString(),
                data: { track_id: 'track-42', user_id: 'u1' },
              },
            ],
            totalRows: 9,
            location: 'file:///data/delivered/playback',
          });
        },
      ),
    );
    await renderWithApis(<EventTypeDelivery eventType={name} />);

    const cell = await screen.findByLabelText(cellName(hour, 'on time'));
    await userEvent.hover(cell);
    const tooltip = (await screen.findByText(/^Received 600/)).closest(
      '[role=tooltip]',
    )!;
    expect(cell).toHaveAttribute('aria-describedby', tooltip.id);
    expect(tooltip).toHaveTextContent(
      'Received 600 · delivered 540 · duplicates 60 · failed 0',
    );
    expect(tooltip).toHaveTextContent('Lateness 15 min (SLA 4 h)');
    expect(tooltip).toHaveTextContent('60 partitions');
    expect(tooltip).toHaveTextContent('UTC');

    await userEvent.click(cell);
    const details = await screen.findByLabelText(/^Partitions of /, {
      selector: 'table',
    });
    expect(details.querySelectorAll('tbody tr')).toHaveLength(60);
    const previewButtons = within(details).getAllByLabelText(
      /Preview the partition starting/,
    );
    expect(previewButtons).toHaveLength(60);

    await userEvent.click(previewButtons[0]);
    expect(await screen.findByText('evt-1')).toBeInTheDocument();
    expect(screen.getByText('app/ios')).toBeInTheDocument();
    expect(
      screen.getByText('track_id', { selector: 'dt' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('track-42', { selector: 'dd' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The first 1 of 9 events, from file:///data/delivered/playback',
      ),
    ).toBeInTheDocument();
    expect(previews).toHaveLength(1);
    expect(decodeURIComponent(previews[0].pathname)).toContain(
      `/partitions/${name}/${partitions[0].start}/preview`,
    );
    expect(previews[0].searchParams.get('limit')).toBe('20');

    await userEvent.click(button('JSON'));
    expect(screen.getByText(/"specversion": "1.0"/)).toBeInTheDocument();
  });

  it('says so when the user may not preview the events', async () => {
    const { now } = serve();
    server.use(
      http.get(`${pipelineUrl}/partitions/:eventType/:start/preview`, () =>
        failure(
          403,
          'NotAllowedError',
          `You may not preview the delivered events of '${name}'`,
        ),
      ),
    );
    await renderWithApis(<EventTypeDelivery eventType={name} />);

    const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;
    await userEvent.click(
      await screen.findByLabelText(cellName(hour, 'on time')),
    );
    await userEvent.click(
      screen.getByLabelText(/Preview the partition starting/),
    );
    expect(
      await screen.findByText(
        /^You may not preview the delivered events of com\.example\.playback\.started:/,
      ),
    ).toHaveAttribute('role', 'alert');
  });

  it('keeps the range in the URL and loads that range', async () => {
    const { now, requests } = serve();
    await renderWithApis(<EventTypeDelivery eventType={name} />, {
      initialRouteEntries: ['/?range=30d'],
    });

    expect(
      await screen.findByLabelText(/^30 days of partitions by hour/, {
        selector: '[role=img]',
      }),
    ).toBeInTheDocument();
    const hoursBefore = (url: URL) =>
      (now.getTime() - Date.parse(url.searchParams.get('from')!)) / HOUR_MS;
    expect(requests[0].searchParams.get('eventType')).toBe(name);
    expect(hoursBefore(requests[0])).toBeGreaterThan(719);
    expect(hoursBefore(requests[0])).toBeLessThanOrEqual(720);
    expect(button('Last 30 days')).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(button('Last 24 hours'));
    expect(
      await screen.findByLabelText(/^24 hours of partitions by hour/, {
        selector: '[role=img]',
      }),
    ).toBeInTheDocument();
    const last = requests[requests.length - 1];
    expect(hoursBefore(last)).toBeGreaterThan(23);
    expect(hoursBefore(last)).toBeLessThanOrEqual(24);
  });

  it('shows each failed section with a Retry, and the others as usual', async () => {
    serve();
    let healthCalls = 0;
    let partitionCalls = 0;
    server.use(
      http.get(`${pipelineUrl}/event-types/:name/health`, () => {
        healthCalls += 1;
        return healthCalls === 1
          ? failure(503, 'ServiceUnavailableError', 'Registry unreachable')
          : HttpResponse.json(playbackHealth());
      }),
      http.get(`${pipelineUrl}/partitions`, () => {
        partitionCalls += 1;
        return partitionCalls === 1
          ? failure(500, 'Error', 'Database on fire')
          : HttpResponse.json({ items: playbackPartitions() });
      }),
    );
    await renderWithApis(<EventTypeDelivery eventType={name} />);

    expect(
      await screen.findByText(/Could not load the delivery health/),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Could not load the partitions/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/Registry unreachable/).length).toBeGreaterThan(
      0,
    );
    // The failed events do not depend on either.
    expect(
      await screen.findByText('No failed events in this range.'),
    ).toBeInTheDocument();
    const retries = screen.getAllByRole('button', { name: 'Retry' });
    expect(retries).toHaveLength(2);

    await userEvent.click(retries[0]);
    expect(await screen.findByText('95%')).toBeInTheDocument();
    expect(
      screen.getByText(/Could not load the partitions/),
    ).toBeInTheDocument();

    await userEvent.click(button('Retry'));
    expect(
      await screen.findByLabelText(/^7 days of partitions by hour/, {
        selector: '[role=img]',
      }),
    ).toBeInTheDocument();
  });

  it('tells a type that was never received from one that is quiet', async () => {
    serve({ partitions: [] });
    server.use(
      http.get(`${pipelineUrl}/event-types/:name/health`, () =>
        failure(
          404,
          'NotFoundError',
          `Event type 'nope' is not registered and no partitions of it were ever received`,
        ),
      ),
    );
    await renderWithApis(<EventTypeDelivery eventType="nope" />);

    expect(
      await screen.findByText('nope is not registered and was never received'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'No partitions yet: the first appear once events of this type are received.',
      ),
    ).toBeInTheDocument();
    expect(document.querySelector('[role=grid]')).toBeNull();
  });

  it('says when a type received nothing in the range but did before', async () => {
    serve({ partitions: [] });
    await renderWithApis(<EventTypeDelivery eventType={name} />);

    expect(
      await screen.findByText('No partitions in the last 7 days'),
    ).toBeInTheDocument();
  });

  it('reloads everything on Refresh', async () => {
    const { requests } = serve();
    await renderWithApis(<EventTypeDelivery eventType={name} />);
    await screen.findByLabelText(/partitions by hour/, {
      selector: '[role=img]',
    });
    const before = requests.length;

    await userEvent.click(button('Refresh'));
    await waitFor(() => expect(requests.length).toBe(before + 1));
  });

  it('reloads the partitions when the pipeline signals a change of its type', async () => {
    // The app's signals API, as the signals plugin gives it: one
    // subscription per channel, messages pushed by the test.
    const subscribers = new Map<
      string,
      (message: DeliveryPartitionSignal) => void
    >();
    const signals: SignalApi = {
      subscribe: (channel, onMessage) => {
        subscribers.set(
          channel,
          onMessage as unknown as (message: DeliveryPartitionSignal) => void,
        );
        return { unsubscribe: () => subscribers.delete(channel) };
      },
    };
    const { requests } = serve();
    await renderWithApis(<EventTypeDelivery eventType={name} />, {
      apis: [[signalApiRef, signals]],
    });
    await screen.findByLabelText(/partitions by hour/, {
      selector: '[role=img]',
    });
    const before = requests.length;
    const send = subscribers.get(DELIVERY_PARTITIONS_SIGNAL_CHANNEL);
    expect(send).toBeDefined();

    // Another type's partition: nothing to reload here.
    act(() =>
      send!({
        eventType: 'com.example.other',
        partitionStart: new Date().toISOString(),
        state: 'delivered',
      }),
    );
    // This type's: the page refetches through the API at once.
    act(() =>
      send!({
        eventType: name,
        partitionStart: new Date().toISOString(),
        state: 'delivered',
      }),
    );
    await waitFor(() => expect(requests.length).toBe(before + 1));
    act(() =>
      send!({
        eventType: name,
        partitionStart: new Date().toISOString(),
        state: 'late',
      }),
    );
    await waitFor(() => expect(requests.length).toBe(before + 2));
  });
});
