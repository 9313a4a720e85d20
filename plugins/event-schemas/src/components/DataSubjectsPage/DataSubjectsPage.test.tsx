import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { DataSubjectErasure } from '@data-collection/plugin-delivery-pipeline-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendError, pipelineUrl, renderWithApis } from '../../__testUtils__';
import { DataSubjectsPage } from './DataSubjectsPage';

const server = setupServer();
registerMswTestHooks(server);

const ERASED_AT = '2026-11-23T10:00:00.000Z';

/** Answers erasures with a receipt; returns the URLs asked for. */
function serveErasure(receipt: Partial<DataSubjectErasure> = {}) {
  const requests: URL[] = [];
  server.use(
    http.delete(
      `${pipelineUrl}/data-subjects/:subject`,
      ({ request, params }) => {
        const url = new URL(request.url);
        requests.push(url);
        return HttpResponse.json({
          subject: params.subject,
          erasedAt: ERASED_AT,
          keysDeleted: 1,
          failedEventsDeleted: 3,
          suppressed: url.searchParams.get('suppress') === 'true',
          ...receipt,
        });
      },
    ),
  );
  return requests;
}

const idField = () => screen.getByRole('textbox', { name: /The person's id/ });
const eraseButton = () => screen.getByRole('button', { name: 'Erase…' });

async function askToErase(id: string, options: { suppress?: boolean } = {}) {
  await userEvent.type(idField(), id);
  if (options.suppress) {
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Refuse their future events' }),
    );
  }
  await userEvent.click(eraseButton());
  return screen.findByRole('dialog', { name: `Erase ${id}?` });
}

describe('DataSubjectsPage', () => {
  it('says what erasing does and does not cover', async () => {
    await renderWithApis(<DataSubjectsPage />);

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Data subjects' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'What erasing does' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Ingest encrypts the personal fields/),
    ).toHaveTextContent(
      "Erasing deletes that person's keys: their personal data becomes unreadable in every stored copy at once (the transport, the raw and delivered files, the warehouse, previews), without anything having to find where their events went. Their failed events are deleted.",
    );
    expect(
      screen.getByText(/^Other people's data is untouched/),
    ).toBeInTheDocument();
    expect(screen.getByText(/^Not covered:/)).toHaveTextContent(
      'Not covered: events whose data subject could not be read, such as events rejected without a readable subject, are tied to no one. They are kept as failed events until their retention deletes them (7 days by default).',
    );
  });

  it('erases a person after confirmation and shows the receipt', async () => {
    const requests = serveErasure();
    await renderWithApis(<DataSubjectsPage />);
    await screen.findByRole('heading', { name: 'Erase a person' });

    // Nothing to erase yet: the button says why it is disabled.
    expect(eraseButton()).toBeDisabled();
    expect(eraseButton()).toHaveAccessibleDescription(
      "To erase, enter the person's id",
    );

    const dialog = await askToErase('user/42@example', { suppress: true });
    expect(dialog).toHaveTextContent(
      'Their personal data becomes unreadable in every stored copy: the transport, the raw and delivered files, the warehouse and previews.',
    );
    expect(dialog).toHaveTextContent('Their failed events are deleted.');
    expect(dialog).toHaveTextContent(
      'Events about them are refused from now on.',
    );
    expect(dialog).toHaveTextContent("Other people's data");
    expect(dialog).toHaveTextContent('This cannot be undone.');

    // Cancelling sends nothing.
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requests).toHaveLength(0);
    await waitFor(() => expect(eraseButton()).toHaveFocus());

    await userEvent.click(eraseButton());
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Erase user/42@example',
      }),
    );

    const receipt = await screen.findByRole('status', {
      name: 'Erased user/42@example',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0].pathname).toBe(
      '/api/delivery-pipeline/data-subjects/user%2F42%40example',
    );
    expect(requests[0].searchParams.get('suppress')).toBe('true');
    expect(
      within(receipt)
        .getByText('Erased at')
        .nextElementSibling!.querySelector('time'),
    ).toHaveAttribute('datetime', ERASED_AT);
    expect(
      within(receipt).getByText('Keys deleted').nextElementSibling,
    ).toHaveTextContent('1');
    expect(
      within(receipt).getByText('Failed events deleted').nextElementSibling,
    ).toHaveTextContent('3');
    expect(
      within(receipt).getByText('Future events').nextElementSibling,
    ).toHaveTextContent('Refused');
    expect(receipt).toHaveTextContent(
      'Their personal data is unreadable in every stored copy',
    );
    // The user is taken to it, and the form is ready for the next request.
    await waitFor(() => expect(receipt).toHaveFocus());
    expect(idField()).toHaveValue('');
    expect(
      screen.getByRole('checkbox', { name: 'Refuse their future events' }),
    ).not.toBeChecked();
  });

  it('keeps collecting their future events unless asked to refuse them', async () => {
    const requests = serveErasure({ keysDeleted: 0, failedEventsDeleted: 0 });
    await renderWithApis(<DataSubjectsPage />);
    await screen.findByRole('heading', { name: 'Erase a person' });

    const dialog = await askToErase('u-7');
    expect(dialog).toHaveTextContent(
      'Events about them sent from now on are collected, under a new key.',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Erase u-7' }),
    );

    const receipt = await screen.findByRole('status', { name: 'Erased u-7' });
    expect(requests[0].searchParams.has('suppress')).toBe(false);
    expect(
      within(receipt).getByText('Future events').nextElementSibling,
    ).toHaveTextContent('Collected');
    // No key: most likely a mistyped id.
    expect(receipt).toHaveTextContent(
      'No key was found for this id, so the pipeline holds no personal data of theirs. If you expected some, check the id',
    );
  });

  it('takes ids, not pseudonyms', async () => {
    await renderWithApis(<DataSubjectsPage />);
    await screen.findByRole('heading', { name: 'Erase a person' });

    await userEvent.type(idField(), 'ps1:AAAAAAAAAAAAAAAAAAAAAA');
    expect(idField()).toBeInvalid();
    expect(idField()).toHaveAccessibleDescription(
      /^This is a pseudonym, not the person's id/,
    );
    expect(eraseButton()).toBeDisabled();
  });

  it('tells users who may not erase why, and lets them not fill in the form', async () => {
    const requests = serveErasure();
    await renderWithApis(<DataSubjectsPage />, { canEdit: false });

    const warning = await screen.findByRole('alert');
    expect(warning).toHaveTextContent('Warning: You may not erase people');
    expect(warning).toHaveTextContent(
      'Erasing cannot be undone, so it is kept to the data platform admins (permission delivery-pipeline.data-subject.erase). Send the request to them.',
    );
    expect(idField()).toBeDisabled();
    expect(
      screen.getByRole('checkbox', { name: 'Refuse their future events' }),
    ).toBeDisabled();
    expect(eraseButton()).toBeDisabled();
    expect(eraseButton()).toHaveAccessibleDescription(
      'You may not erase people',
    );
    expect(requests).toHaveLength(0);
  });

  it.each([
    [
      403,
      'NotAllowedError',
      'Only the data platform admins may erase data subjects (permission delivery-pipeline.data-subject.erase)',
      'You may not erase people: Only the data platform admins may erase data subjects (permission delivery-pipeline.data-subject.erase)',
    ],
    [
      400,
      'InputError',
      "The data subject must be the person's id as events carry it in the type's dataSubject field, 1 to 1024 characters",
      "The data subject must be the person's id as events carry it in the type's dataSubject field, 1 to 1024 characters",
    ],
  ])(
    'shows the backend refusing with %i, and keeps the form',
    async (status, name, message, shown) => {
      server.use(
        http.delete(`${pipelineUrl}/data-subjects/:subject`, () =>
          backendError(status, name, message),
        ),
      );
      await renderWithApis(<DataSubjectsPage />);
      await screen.findByRole('heading', { name: 'Erase a person' });

      const dialog = await askToErase('u-7');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Erase u-7' }),
      );

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('Error: u-7 was not erased');
      expect(within(alert).getByText(shown)).toBeInTheDocument();
      expect(screen.queryByRole('status')).toBeNull();
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      // The id stays, to fix it or try again.
      expect(idField()).toHaveValue('u-7');
      await waitFor(() => expect(eraseButton()).toHaveFocus());
    },
  );
});
