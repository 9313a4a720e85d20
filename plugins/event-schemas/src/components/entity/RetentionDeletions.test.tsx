import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  pipelineUrl,
  playbackStarted,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { RetentionDeletions } from './RetentionDeletions';
import { retentionDeletion as deletion } from './testEntities';

describe('RetentionDeletions', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const answer = (
    respond: (query: URLSearchParams) => Response | Promise<Response>,
  ) =>
    server.use(
      http.get(`${pipelineUrl}/retention/deletions`, ({ request }) =>
        respond(new URL(request.url).searchParams),
      ),
    );

  const render = () =>
    renderWithApis(
      <RetentionDeletions
        eventType={playbackStarted.name}
        rawRetention="P7D"
        deliveredRetention="P90D"
      />,
    );

  it('lists what was deleted, newest first', async () => {
    answer(query => {
      expect(query.get('eventType')).toBe(playbackStarted.name);
      return HttpResponse.json({
        items: [deletion(2, 'delivered'), deletion(1)],
      });
    });
    await render();

    const reason = await screen.findByText('delivered retention P90D passed');
    const row = reason.closest('tr')!;
    expect(within(row).getByText('delivered')).toBeInTheDocument();
    expect(within(row).getByText('3')).toBeInTheDocument();
    expect(within(row).getByText('1.3 MB')).toBeInTheDocument();
    const times = row.querySelectorAll('time');
    expect(Array.from(times, time => time.getAttribute('datetime'))).toEqual([
      '2026-11-01T02:00:00.000Z',
      '2026-11-01T03:00:00.000Z',
      '2026-11-08T01:00:00.000Z',
    ]);
    expect(screen.getByText('raw retention P7D passed')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Show older deletions' }),
    ).not.toBeInTheDocument();
  });

  it('explains the policy while nothing was deleted yet', async () => {
    answer(() => HttpResponse.json({ items: [] }));
    await render();

    expect(
      await screen.findByText(
        'Nothing deleted yet; raw partitions are kept 7 d and delivered ones 90 d, then retention deletes them and lists them here.',
      ),
    ).toBeInTheDocument();
  });

  it('pages back through older deletions', async () => {
    answer(query =>
      HttpResponse.json(
        query.get('cursor') === 'older'
          ? { items: [deletion(1)] }
          : { items: [deletion(2)], nextCursor: 'older' },
      ),
    );
    await render();

    await screen.findByText('raw retention P7D passed');
    await userEvent.click(
      screen.getByRole('button', { name: 'Show older deletions' }),
    );

    expect(await screen.findAllByText('raw retention P7D passed')).toHaveLength(
      2,
    );
    expect(
      screen.queryByRole('button', { name: 'Show older deletions' }),
    ).not.toBeInTheDocument();
  });

  it('shows a failed load, and loads again on Retry', async () => {
    let up = false;
    answer(() =>
      up
        ? HttpResponse.json({ items: [deletion(1)] })
        : backendError(500, 'Error', 'database is locked'),
    );
    await render();

    expect(
      await screen.findByText(/Could not load what retention deleted/),
    ).toBeInTheDocument();
    expect(screen.getByText('database is locked')).toBeInTheDocument();
    up = true;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));

    expect(
      await screen.findByText('raw retention P7D passed'),
    ).toBeInTheDocument();
  });
});
