import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { FailedEvent } from '@internal/plugin-delivery-pipeline-common';
import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  pipelineUrl,
  playbackStarted,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { FailedEvents } from './FailedEvents';
import { formatPayload } from './FailedEventPayload';
import { rangeWindow } from './range';

const server = setupServer();
registerMswTestHooks(server);

// Room for a busy machine: these render tables with tooltips.
configure({ asyncUtilTimeout: 5_000 });
const name = playbackStarted.name;
const window = rangeWindow('7d', new Date('2026-11-23T14:30:00Z'));

function failedEvent(
  index: number,
  fields: Partial<FailedEvent> = {},
): FailedEvent {
  return {
    id: `failed-${index}`,
    receivedAt: new Date(
      Date.UTC(2026, 10, 23, 12, 0, 0) - index * 60_000,
    ).toISOString(),
    eventType: name,
    source: 'app/ios',
    eventId: `evt-${index}`,
    reason: `data: must have required property 'track_id' (#${index})`,
    payload: JSON.stringify({ id: `evt-${index}`, data: { user_id: 'u1' } }),
    payloadTruncated: false,
    producer: 'user:default/ios-app',
    ...fields,
  };
}

describe('FailedEvents', () => {
  it('lists the failed events newest first, a page at a time', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${pipelineUrl}/failed-events`, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return HttpResponse.json(
          url.searchParams.get('cursor') === 'page-2'
            ? { items: [failedEvent(2)] }
            : {
                items: [
                  failedEvent(0, { replayedAt: '2026-11-23T13:00:00.000Z' }),
                  failedEvent(1, { source: undefined, producer: undefined }),
                ],
                nextCursor: 'page-2',
              },
        );
      }),
    );
    await renderWithApis(<FailedEvents eventType={name} window={window} />);

    const table = await screen.findByRole('table', {
      name: 'Failed events, newest first',
    });
    const rows = within(table).getAllByRole('row');
    // A header, and a row and a payload row per event.
    expect(rows).toHaveLength(5);
    expect(rows[1]).toHaveTextContent(
      "data: must have required property 'track_id' (#0)",
    );
    expect(rows[1]).toHaveTextContent('app/ios');
    expect(rows[1]).toHaveTextContent('evt-0');
    expect(rows[1]).toHaveTextContent('user:default/ios-app');
    expect(
      within(rows[1]).getByText(
        (_, el) =>
          el?.tagName === 'TIME' &&
          el.getAttribute('datetime') === '2026-11-23T13:00:00.000Z',
      ),
    ).toBeInTheDocument();
    expect(rows[3]).toHaveTextContent('No');
    expect(requests[0].searchParams.get('eventType')).toBe(name);
    expect(requests[0].searchParams.get('from')).toBe(
      window.from.toISOString(),
    );
    expect(requests[0].searchParams.get('limit')).toBe('20');
    expect(requests[0].searchParams.get('includeReplayed')).toBe('true');

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(
      await screen.findByText(
        "data: must have required property 'track_id' (#2)",
      ),
    ).toBeInTheDocument();
    expect(requests[1].searchParams.get('cursor')).toBe('page-2');
    expect(requests[1].searchParams.get('from')).toBe(
      window.from.toISOString(),
    );
    // The last page: nothing more to load.
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(
      screen.getByText("data: must have required property 'track_id' (#0)"),
    ).toBeInTheDocument();
  });

  it('shows a payload as pretty JSON, and says when it was cut', async () => {
    server.use(
      http.get(`${pipelineUrl}/failed-events`, () =>
        HttpResponse.json({
          items: [
            failedEvent(0),
            failedEvent(1, {
              payload: '{"id":"evt-1","data":{"user',
              payloadTruncated: true,
            }),
            failedEvent(2, { payload: 'not json at all' }),
          ],
        }),
      ),
    );
    await renderWithApis(<FailedEvents eventType={name} window={window} />);

    const show = await screen.findByRole('button', {
      name: 'Show the payload of evt-0',
    });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(show);
    expect(
      screen.getByRole('button', { name: 'Hide the payload of evt-0' }),
    ).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByLabelText('Payload of evt-0').textContent).toBe(
      JSON.stringify({ id: 'evt-0', data: { user_id: 'u1' } }, null, 2),
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Show the payload of evt-1' }),
    );
    expect(screen.getByText(/Cut to the configured size/)).toBeInTheDocument();
    expect(screen.getByLabelText('Payload of evt-1')).toHaveTextContent(
      '{"id":"evt-1","data":{"user',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Show the payload of evt-2' }),
    );
    expect(screen.getByText(/Not valid JSON/)).toBeInTheDocument();
  });

  it('says when there are none', async () => {
    server.use(
      http.get(`${pipelineUrl}/failed-events`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderWithApis(<FailedEvents eventType={name} window={window} />);

    expect(
      await screen.findByText('No failed events in this range.'),
    ).toBeInTheDocument();
  });

  it('shows an error with a Retry, for the list and for a further page', async () => {
    let calls = 0;
    server.use(
      http.get(`${pipelineUrl}/failed-events`, ({ request }) => {
        calls += 1;
        if (calls === 1 || calls === 3) {
          return backendError(500, 'Error', 'Store unavailable');
        }
        return HttpResponse.json(
          new URL(request.url).searchParams.get('cursor')
            ? { items: [failedEvent(1)] }
            : { items: [failedEvent(0)], nextCursor: 'next' },
        );
      }),
    );
    await renderWithApis(<FailedEvents eventType={name} window={window} />);

    expect(
      await screen.findByText(/Could not load the failed events/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(/\(#0\)/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(
      await screen.findByText(/Could not load more failed events/),
    ).toBeInTheDocument();
    // What was loaded stays.
    expect(screen.getByText(/\(#0\)/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(/\(#1\)/)).toBeInTheDocument();
  });
});

describe('formatPayload', () => {
  it('pretty-prints JSON and leaves anything else alone', () => {
    expect(formatPayload('{"a":1}')).toEqual({
      text: '{\n  "a": 1\n}',
      json: true,
    });
    expect(formatPayload('{"a":')).toEqual({ text: '{"a":', json: false });
  });
});
