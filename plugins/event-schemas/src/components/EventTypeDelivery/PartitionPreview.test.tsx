import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  ERASED_VALUE,
  MASKED_VALUE,
  PartitionPreview as PartitionPreviewBody,
  UNREADABLE_VALUE,
} from '@data-collection/plugin-delivery-pipeline-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  pipelineUrl,
  playbackStarted,
  renderWithApis,
} from '../../__testUtils__';
import { PartitionPreview } from './PartitionPreview';

const server = setupServer();
registerMswTestHooks(server);

const name = playbackStarted.name;
const start = '2026-11-23T10:00:00.000Z';
const PSEUDONYM = 'ps1:AAAAAAAAAAAAAAAAAAAAAA';
const FIELDS = ['user_id', 'user.email', 'user.age'];

function row(id: string, data: Record<string, unknown>) {
  return {
    specversion: '1.0',
    id,
    source: 'app/ios',
    type: name,
    time: '2026-11-23T10:00:01.000Z',
    receivedAt: '2026-11-23T10:00:02.000Z',
    data,
  };
}

function servePreview(preview: Partial<PartitionPreviewBody>) {
  server.use(
    http.get(`${pipelineUrl}/partitions/:eventType/:start/preview`, () =>
      HttpResponse.json({
        eventType: name,
        start,
        rows: [],
        totalRows: preview.rows?.length ?? 0,
        location: 'file:///data/delivered/playback',
        ...preview,
      }),
    ),
  );
}

async function renderPreview() {
  await renderWithApis(
    <PartitionPreview eventType={name} start={start} onClose={() => {}} />,
  );
  return screen.findByRole('table');
}

/** The value cell of a field in the row of an event. */
function valueOf(table: HTMLElement, eventId: string, path: string) {
  const tableRow = within(table).getByText(eventId).closest('tr')!;
  const term = within(tableRow).getByText(path, { selector: 'dt' });
  return term.nextElementSibling as HTMLElement;
}

describe('PartitionPreview', () => {
  it('says personal data is masked, who may read it, and labels masked values and the pseudonym', async () => {
    servePreview({
      rows: [
        row('evt-1', {
          track_id: 'track-42',
          user_id: PSEUDONYM,
          user: { email: MASKED_VALUE, age: MASKED_VALUE },
          // Sealed before the field left the personal list: masked too.
          old_email: MASKED_VALUE,
          // A pseudonym-like value outside the subject's field is data.
          ref: PSEUDONYM,
        }),
      ],
      personalData: {
        fields: FIELDS,
        dataSubject: 'user_id',
        access: 'masked',
      },
    });
    const table = await renderPreview();

    const note = screen.getByRole('note', { name: 'Personal data is masked' });
    expect(note).toHaveTextContent(
      'Personal data is masked. The personal values of this event type are masked: user_id, user.email, user.age. Only the owners of com.example.playback.started and the data platform admins may read them (permission delivery-pipeline.personal-data.read). The data subject, user_id, shows as a pseudonym',
    );

    expect(valueOf(table, 'evt-1', 'track_id')).toHaveTextContent(/^track-42$/);
    const email = valueOf(table, 'evt-1', 'user.email');
    expect(email).toHaveTextContent(
      'masked (Masked: a personal value you may not read.)',
    );
    expect(email).not.toHaveTextContent(MASKED_VALUE);
    expect(
      valueOf(table, 'evt-1', 'user.age').querySelector(
        '[data-personal-value=masked]',
      ),
    ).not.toBeNull();
    const subject = valueOf(table, 'evt-1', 'user_id');
    expect(subject).toHaveTextContent(`${PSEUDONYM} pseudonym (A pseudonym:`);
    expect(
      valueOf(table, 'evt-1', 'old_email').querySelector(
        '[data-personal-value=masked]',
      ),
    ).not.toBeNull();
    expect(valueOf(table, 'evt-1', 'ref')).toHaveTextContent(
      new RegExp(`^${PSEUDONYM}$`),
    );

    await userEvent.hover(within(email).getByText('masked'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /^Masked: a personal value you may not read\.$/,
    );
  });

  it('says personal data is in clear and audited, and labels erased and unreadable values', async () => {
    servePreview({
      rows: [
        row('evt-1', { user_id: 'u-1', user: { email: 'alice@example.com' } }),
        row('evt-2', {
          user_id: ERASED_VALUE,
          user: { email: ERASED_VALUE, age: ERASED_VALUE },
        }),
        row('evt-3', { user_id: 'u-3', user: { email: UNREADABLE_VALUE } }),
      ],
      personalData: { fields: FIELDS, dataSubject: 'user_id', access: 'clear' },
    });
    const table = await renderPreview();

    expect(
      screen.getByRole('note', { name: 'You see personal data in clear' }),
    ).toHaveTextContent(
      'You see personal data in clear. The personal values of this event type (user_id, user.email, user.age) are shown in clear because you may read them, and this read is recorded in the audit log.',
    );
    expect(valueOf(table, 'evt-1', 'user_id')).toHaveTextContent(/^u-1$/);
    expect(valueOf(table, 'evt-1', 'user.email')).toHaveTextContent(
      /^alice@example\.com$/,
    );
    for (const path of ['user_id', 'user.email', 'user.age']) {
      expect(valueOf(table, 'evt-2', path)).toHaveTextContent(
        'erased (Erased: the person was erased and their key deleted, so no one can read this value again.)',
      );
    }
    const unreadable = valueOf(table, 'evt-3', 'user.email');
    expect(unreadable).toHaveTextContent(
      'unreadable (Unreadable: the stored value was changed after it was encrypted and fails authentication.)',
    );
    await userEvent.hover(within(unreadable).getByText('unreadable'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /^Unreadable: the stored value was changed/,
    );
  });

  it('shows the rows as raw JSON in the JSON view, hidden values set apart', async () => {
    const rows = [
      row('evt-1', {
        user_id: PSEUDONYM,
        user: { email: MASKED_VALUE },
        track_id: 'track-42',
      }),
    ];
    servePreview({
      rows,
      personalData: {
        fields: FIELDS,
        dataSubject: 'user_id',
        access: 'masked',
      },
    });
    await renderPreview();

    await userEvent.click(screen.getByRole('button', { name: 'JSON' }));
    const json = screen.getByLabelText(/, as JSON$/);
    expect(json.textContent).toBe(JSON.stringify(rows, null, 2));
    expect(within(json).getByText(`"${MASKED_VALUE}"`)).toHaveAttribute(
      'data-personal-value',
      'masked',
    );
    // The notice stays: it says what the JSON holds too.
    expect(
      screen.getByRole('note', { name: 'Personal data is masked' }),
    ).toBeInTheDocument();
  });

  it('shows the data as fields and values, with no notice for a type without personal data', async () => {
    servePreview({
      rows: [
        row('evt-1', {
          track_id: 'track-42',
          device: { os: 'ios' },
          tags: ['a', 'b'],
        }),
      ],
    });
    const table = await renderPreview();

    expect(valueOf(table, 'evt-1', 'track_id')).toHaveTextContent('track-42');
    expect(valueOf(table, 'evt-1', 'device.os')).toHaveTextContent('ios');
    expect(valueOf(table, 'evt-1', 'tags')).toHaveTextContent('["a","b"]');
    expect(screen.queryByRole('note')).toBeNull();
    expect(document.querySelector('[data-personal-value]')).toBeNull();
  });
});
