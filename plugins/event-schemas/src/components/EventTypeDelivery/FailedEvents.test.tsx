import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  ERASED_VALUE,
  FailedEvent,
  MASKED_VALUE,
  UNREADABLE_VALUE,
} from '@data-collection/plugin-delivery-pipeline-common';
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
  it('says so when the user may not read the failed events', async () => {
    server.use(
      http.get(`${pipelineUrl}/failed-events`, () =>
        backendError(
          403,
          'NotAllowedError',
          `Only the owners of event type '${name}' and the registry admins may read its failed events`,
        ),
      ),
    );
    await renderWithApis(<FailedEvents eventType={name} window={window} />);
    expect(
      await screen.findByText(
        /^You may not read the failed events of com\.example\.playback\.started:/,
      ),
    ).toHaveAttribute('role', 'alert');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

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
    expect(screen.getByLabelText('Payload of evt-2').textContent).toBe(
      'not json at all',
    );
    // Payloads in clear: nothing said about masks.
    expect(screen.queryByRole('note')).toBeNull();
    expect(screen.queryByText(/are masked/)).toBeNull();
  });

  it('says the values of masked payloads are masked and why, and sets them apart', async () => {
    // As the pipeline masks a payload: every value but the attributes
    // shown beside it.
    const masked = {
      specversion: '1.0',
      id: 'evt-0',
      source: 'app/ios',
      type: name,
      datacontenttype: MASKED_VALUE,
      data: { user_id: MASKED_VALUE, track: { id: MASKED_VALUE } },
    };
    server.use(
      http.get(`${pipelineUrl}/failed-events`, () =>
        HttpResponse.json({
          items: [
            failedEvent(0, {
              payload: JSON.stringify(masked),
              payloadMasked: true,
            }),
            // Not JSON when it was received: masked whole.
            failedEvent(1, { payload: MASKED_VALUE, payloadMasked: true }),
          ],
        }),
      ),
    );
    await renderWithApis(<FailedEvents eventType={name} window={window} />);

    // Said once, above the list.
    expect(
      await screen.findByRole('note', { name: 'Payload values are masked' }),
    ).toHaveTextContent(
      'Payload values are masked. A failed event did not pass its schema, so its personal data may be anywhere in it: every value of its payload is masked but its id, source, type and time. Only the owners of com.example.playback.started and the data platform admins may read them (permission delivery-pipeline.personal-data.read).',
    );
    expect(screen.getAllByRole('note')).toHaveLength(1);

    await userEvent.click(
      screen.getByRole('button', { name: 'Show the payload of evt-0' }),
    );
    expect(screen.getByText(/^Its values are masked/)).toHaveTextContent(
      "Its values are masked, but for the attributes shown beside it: you may not read this type's personal data.",
    );
    const payload = screen.getByLabelText('Payload of evt-0');
    // The raw JSON still, with each masked value set apart.
    expect(payload.textContent).toBe(JSON.stringify(masked, null, 2));
    expect(
      within(payload)
        .getAllByText(`"${MASKED_VALUE}"`)
        .map(element => element.getAttribute('data-personal-value')),
    ).toEqual(['masked', 'masked', 'masked']);
    await userEvent.hover(within(payload).getAllByText(`"${MASKED_VALUE}"`)[0]);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Masked: a personal value you may not read.',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Show the payload of evt-1' }),
    );
    const whole = screen.getByLabelText('Payload of evt-1');
    expect(whole).toHaveTextContent(
      'The whole payload is masked: it is not a JSON object, so nothing in it can be told apart from personal data.',
    );
    expect(whole.querySelector('[data-personal-value=masked]')).not.toBeNull();
    // Masked, not broken.
    expect(screen.queryByText(/Not valid JSON/)).toBeNull();
  });

  it('says when a payload was erased or is unreadable', async () => {
    server.use(
      http.get(`${pipelineUrl}/failed-events`, () =>
        HttpResponse.json({
          items: [
            failedEvent(0, { payload: ERASED_VALUE }),
            failedEvent(1, { payload: UNREADABLE_VALUE }),
          ],
        }),
      ),
    );
    await renderWithApis(<FailedEvents eventType={name} window={window} />);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Show the payload of evt-0' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Show the payload of evt-1' }),
    );
    expect(screen.getByLabelText('Payload of evt-0')).toHaveTextContent(
      'The whole payload is erased: the person it was about was erased, and their key deleted.',
    );
    expect(
      screen
        .getByLabelText('Payload of evt-0')
        .querySelector('[data-personal-value=erased]'),
    ).not.toBeNull();
    expect(screen.getByLabelText('Payload of evt-1')).toHaveTextContent(
      'The whole payload is unreadable: it was changed after it was encrypted and fails authentication.',
    );
    expect(screen.queryByText(/Not valid JSON/)).toBeNull();
    expect(screen.queryByRole('note')).toBeNull();
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
