import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { CompatibilityImpact } from '@data-collection/plugin-event-schemas-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import {
  backendError,
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
} from '../../../__testUtils__';
import { VersionsTable } from '../VersionsTable';

const impactUrl = `${registryUrl}/event-types/${playbackStarted.name}/impact`;

const stats = {
  entityRef: 'component:default/listening-stats',
  title: 'Listening stats',
  owner: 'group:default/insights',
  fieldsRead: ['position_ms'],
};
const training = {
  entityRef: 'component:default/search-relevance-training',
  owner: 'group:default/insights',
};
const removedField = {
  field: 'position_ms',
  rule: 'additionalProperties',
  message:
    '/properties/position_ms: removed while additional properties are refused',
};
const narrowedEnum = {
  field: 'source',
  rule: 'enum',
  message: "/properties/source/enum: value 'search' removed",
};

/** The registry's answer for a rollback where one change breaks a reader. */
const breakingImpact: CompatibilityImpact = {
  consumers: [stats, training],
  problems: [
    { ...narrowedEnum, consumers: [] },
    { ...removedField, consumers: [stats] },
  ],
  affectingNobody: [narrowedEnum],
};

/** Shows the URL's query, to see where the dialog keeps its state. */
const Search = () => <div aria-label="search">{useLocation().search}</div>;

const renderTable = (initialRouteEntries?: string[]) =>
  renderWithApis(
    <>
      <VersionsTable eventType={playbackStarted} versions={playbackVersions} />
      <Search />
    </>,
    { initialRouteEntries },
  );

async function openRemovalOfVersion2() {
  await userEvent.click(
    await screen.findByRole('button', {
      name: 'Who breaks if removed: version 2',
    }),
  );
  return screen.findByRole('dialog', {
    name: 'Who breaks if version 2 is removed',
  });
}

describe('who breaks if a version is removed', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('names the consumers each breaking change of the rollback affects, and keeps the question in the URL', async () => {
    const asked: string[] = [];
    server.use(
      http.get(impactUrl, ({ request }) => {
        asked.push(new URL(request.url).search);
        return HttpResponse.json(breakingImpact);
      }),
    );
    await renderTable();

    const dialog = await openRemovalOfVersion2();
    expect(
      await within(dialog).findByText('Removing version 2 breaks 1 consumer'),
    ).toBeInTheDocument();
    expect(asked).toEqual(['?version=2']);
    expect(screen.getByLabelText('search').textContent).toBe('?removal=2');
    expect(dialog).toHaveTextContent(
      'rolls it back to version 1, which the registry checks against version 2 under BACKWARD',
    );
    expect(dialog).toHaveTextContent(
      `Checked against the 2 consumers of ${playbackStarted.name} in the catalog.`,
    );
    expect(dialog).toHaveTextContent(
      '2 breaking changes under BACKWARD, 1 of them affecting nobody',
    );

    // The change that breaks someone comes first, whatever the registry's
    // order.
    const [breaking, harmless] = within(dialog)
      .getAllByRole('listitem')
      .filter(item => item.textContent?.startsWith('/properties/'));
    expect(breaking).toHaveTextContent(removedField.message);
    expect(breaking).toHaveTextContent(
      'Breaks 1 consumer reading position_ms:',
    );
    expect(
      within(breaking).getByRole('link', { name: 'Listening stats' }),
    ).toHaveAttribute('href', '/catalog/default/component/listening-stats');
    expect(
      within(breaking).getByRole('link', { name: /insights/ }),
    ).toHaveAttribute('href', '/catalog/default/group/insights');
    expect(breaking).toHaveTextContent('reads position_ms');
    expect(harmless).toHaveTextContent(narrowedEnum.message);
    expect(harmless).toHaveTextContent('Affects no declared consumer');

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(screen.getByLabelText('search').textContent).toBe('');
  });

  it('says when no consumer reads what the removal changes', async () => {
    server.use(
      http.get(impactUrl, () =>
        HttpResponse.json({
          consumers: [stats],
          problems: [{ ...narrowedEnum, consumers: [] }],
          affectingNobody: [narrowedEnum],
        }),
      ),
    );
    await renderTable();

    const dialog = await openRemovalOfVersion2();
    expect(
      await within(dialog).findByText(
        'No consumer reads what this removal changes',
      ),
    ).toBeInTheDocument();
    expect(dialog).toHaveTextContent(
      '1 breaking change under BACKWARD, 1 of them affecting nobody',
    );
    expect(dialog).toHaveTextContent(narrowedEnum.message);
    expect(dialog).toHaveTextContent('Affects no declared consumer');
    expect(within(dialog).queryByRole('link')).not.toBeInTheDocument();
  });

  it('says when the rollback breaks nothing and the type has no consumer', async () => {
    server.use(
      http.get(impactUrl, () =>
        HttpResponse.json({ consumers: [], problems: [], affectingNobody: [] }),
      ),
    );
    // Opened from a shared link.
    await renderTable(['/?removal=2']);

    const dialog = await screen.findByRole('dialog', {
      name: 'Who breaks if version 2 is removed',
    });
    expect(
      await within(dialog).findByText(
        'No consumer reads what this removal changes',
      ),
    ).toBeInTheDocument();
    expect(dialog).toHaveTextContent(
      `The catalog lists no consumer of ${playbackStarted.name} (no component has its API entity in spec.consumesApis).`,
    );
    expect(dialog).toHaveTextContent(
      'Version 1 is compatible with version 2 under BACKWARD: the rollback changes nothing that breaks.',
    );
  });

  it('shows that it is asking the registry', async () => {
    let answer: (value: CompatibilityImpact) => void = () => {};
    const answered = new Promise<CompatibilityImpact>(resolve => {
      answer = resolve;
    });
    server.use(
      http.get(impactUrl, async () => HttpResponse.json(await answered)),
    );
    await renderTable();

    const dialog = await openRemovalOfVersion2();
    expect(
      await within(dialog).findByRole('progressbar', {
        name: 'Asking the registry who breaks',
      }),
    ).toBeInTheDocument();
    expect(dialog).not.toHaveTextContent('Removing version 2 breaks');

    answer(breakingImpact);
    expect(
      await within(dialog).findByText('Removing version 2 breaks 1 consumer'),
    ).toBeInTheDocument();
    expect(within(dialog).queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('tells a user who may not read the type why there is no answer', async () => {
    server.use(
      http.get(impactUrl, () =>
        backendError(403, 'NotAllowedError', 'Access denied'),
      ),
    );
    await renderTable();

    const dialog = await openRemovalOfVersion2();
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      `You may not read ${playbackStarted.name}, so the registry does not say who consumes it.`,
    );
    expect(
      within(dialog).queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it('says when the catalog does not answer, and asks again on Retry', async () => {
    let calls = 0;
    server.use(
      http.get(impactUrl, () => {
        calls++;
        return calls === 1
          ? backendError(
              503,
              'ServiceUnavailableError',
              `Could not ask the catalog for the consumers of '${playbackStarted.name}': connect ECONNREFUSED`,
            )
          : HttpResponse.json(breakingImpact);
      }),
    );
    await renderTable();

    const dialog = await openRemovalOfVersion2();
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(
      `The catalog did not answer, so the registry cannot say who consumes ${playbackStarted.name} right now. Try again in a moment.`,
    );
    expect(alert).toHaveTextContent('connect ECONNREFUSED');

    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(
      await within(dialog).findByText('Removing version 2 breaks 1 consumer'),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('shows any other failure with the registry message', async () => {
    server.use(
      http.get(impactUrl, () =>
        backendError(404, 'NotFoundError', 'Version 2 of event type not found'),
      ),
    );
    await renderTable();

    const dialog = await openRemovalOfVersion2();
    expect(
      await within(dialog).findByText(
        'Could not check who breaks if version 2 is removed',
        { exact: false },
      ),
    ).toBeInTheDocument();
    expect(dialog).toHaveTextContent('Version 2 of event type not found');
    expect(
      within(dialog).getByRole('button', { name: 'Retry' }),
    ).toBeInTheDocument();
  });

  it('offers nothing for version 1, which has no version before it, and opens nothing for a link to it', async () => {
    let calls = 0;
    server.use(
      http.get(impactUrl, () => {
        calls++;
        return HttpResponse.json(breakingImpact);
      }),
    );
    await renderTable(['/?removal=1']);

    const first = await screen.findByRole('button', {
      name: 'Who breaks if removed: version 1',
    });
    expect(first).toBeDisabled();
    fireEvent.mouseOver(first.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Version 1 has no earlier version to roll back to',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls).toBe(0);
  });
});
