import { alertApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EventTypeVersion } from '@data-collection/plugin-event-schemas-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import {
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { EventTypeVersions } from './EventTypeVersions';

const versionsUrl = `${registryUrl}/event-types/${playbackStarted.name}/versions`;
const compatibilityUrl = `${registryUrl}/event-types/${playbackStarted.name}/compatibility`;

const answerVersions = (items: EventTypeVersion[] = playbackVersions) =>
  http.get(versionsUrl, () => HttpResponse.json({ items }));

/** A draft that adds an optional field to version 2. */
const draftV3 = JSON.stringify(
  {
    ...JSON.parse(playbackVersions[1].schema),
    properties: {
      ...JSON.parse(playbackVersions[1].schema).properties,
      country: { type: 'string' },
    },
  },
  null,
  2,
);

/** Shows the URL's query, to see where the component keeps its state. */
const Search = () => <div aria-label="search">{useLocation().search}</div>;

/** Replaces the draft in the editor the way a user pasting a schema would. */
async function typeDraft(text: string) {
  await screen.findByText('Draft of version 3');
  const content = document.querySelector('.cm-content') as HTMLElement;
  await userEvent.click(content);
  await userEvent.keyboard('{Control>}a{/Control}');
  await userEvent.paste(text);
}

describe('EventTypeVersions', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists the versions and compares the latest with the one before', async () => {
    server.use(answerVersions());
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);

    const list = await screen.findByRole('table', { name: 'Versions' });
    const rows = within(list).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      expect.stringMatching(
        /^Version 2latest.*bob.*sha256:222222222222….*ActiveWho breaks if removed$/,
      ),
      expect.stringMatching(
        /^Version 1.*alice.*sha256:111111111111….*ActiveWho breaks if removed$/,
      ),
    ]);
    expect(
      within(rows[0]).getByText('Nov 20, 2026', { exact: false }),
    ).toBeInTheDocument();

    expect(screen.getByLabelText('From')).toHaveValue('1');
    expect(screen.getByLabelText('To')).toHaveValue('2');
    // v2 adds the five lines of position_ms.
    expect(screen.getByRole('status')).toHaveTextContent('+5 −0 lines');
    const diff = screen.getByRole('table', {
      name: 'Changes from version 1 to version 2',
    });
    expect(
      within(diff).getByText('"position_ms": {', { exact: false }),
    ).toBeInTheDocument();
  });

  it('keeps the compared versions in the URL', async () => {
    server.use(answerVersions());
    await renderWithApis(
      <>
        <EventTypeVersions eventType={playbackStarted} />
        <Search />
      </>,
      { initialRouteEntries: ['/?from=2&to=2'] },
    );

    expect(
      await screen.findByRole('table', {
        name: 'Changes from version 2 to version 2',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('No differences');

    await userEvent.selectOptions(screen.getByLabelText('From'), '1');
    expect(screen.getByRole('status')).toHaveTextContent('+5 −0 lines');
    // A default (from: the previous version) leaves the URL.
    expect(screen.getByLabelText('search').textContent).toBe('?to=2');
    await userEvent.selectOptions(screen.getByLabelText('To'), '1');
    expect(screen.getByLabelText('search').textContent).toBe('?to=1');
    expect(screen.getByRole('status')).toHaveTextContent('No differences');
  });

  it('says a draft is compatible once typing pauses', async () => {
    const checked: unknown[] = [];
    server.use(
      answerVersions(),
      http.post(compatibilityUrl, async ({ request }) => {
        checked.push(await request.json());
        return HttpResponse.json({ compatible: true, messages: [] });
      }),
    );
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);

    // The draft starts as the latest schema, which needs no check.
    expect(
      await screen.findByText(/This is the schema of version 2/),
    ).toBeInTheDocument();
    await typeDraft(draftV3);
    expect(
      await screen.findByText('Compatible under BACKWARD'),
    ).toBeInTheDocument();
    expect(checked).toEqual([{ schema: draftV3 }]);
    expect(
      screen.getByText(
        /Every event valid under the latest version must stay valid/,
      ),
    ).toBeInTheDocument();
  });

  it('lists every reason a draft is not compatible', async () => {
    server.use(
      answerVersions(),
      http.post(compatibilityUrl, () =>
        HttpResponse.json({
          compatible: false,
          messages: [
            '/required: country became required',
            '/properties/position_ms: type narrowed from integer to string',
          ],
        }),
      ),
    );
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);

    await typeDraft(draftV3);
    expect(
      await screen.findByText('Not compatible under BACKWARD'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('/required: country became required'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '/properties/position_ms: type narrowed from integer to string',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Register as version 3' }),
    ).toBeDisabled();
  });

  it('says under each reason which consumers it breaks', async () => {
    const narrowed =
      '/properties/position_ms: type narrowed from integer to string';
    const required = "/required: property 'country' became required";
    const stats = {
      entityRef: 'component:default/listening-stats',
      title: 'Listening stats',
      owner: 'group:default/insights',
      fieldsRead: ['position_ms'],
    };
    server.use(
      answerVersions(),
      http.post(compatibilityUrl, () =>
        HttpResponse.json({
          compatible: false,
          messages: [narrowed, required],
          problems: [
            { field: 'position_ms', rule: 'type', message: narrowed },
            { field: 'country', rule: 'required', message: required },
          ],
          impact: {
            consumers: [stats],
            problems: [
              {
                field: 'position_ms',
                rule: 'type',
                message: narrowed,
                consumers: [stats],
              },
              {
                field: 'country',
                rule: 'required',
                message: required,
                consumers: [],
              },
            ],
            affectingNobody: [
              { field: 'country', rule: 'required', message: required },
            ],
          },
        }),
      ),
    );
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);

    await typeDraft(draftV3);
    expect(
      await screen.findByText('Not compatible under BACKWARD'),
    ).toBeInTheDocument();
    const reasons = screen.getAllByRole('listitem');
    const breaking = reasons.find(item =>
      item.textContent?.startsWith(narrowed),
    )!;
    expect(breaking).toHaveTextContent(
      'Breaks 1 consumer reading position_ms:',
    );
    expect(
      within(breaking).getByRole('link', { name: 'Listening stats' }),
    ).toBeInTheDocument();
    expect(breaking).toHaveTextContent('reads position_ms');
    const harmless = reasons.find(item =>
      item.textContent?.startsWith(required),
    )!;
    expect(harmless).toHaveTextContent('Affects no declared consumer');
    expect(
      screen.getByRole('button', { name: 'Register as version 3' }),
    ).toBeDisabled();
  });

  it('lets a draft that breaks no consumer through under the CONSUMERS scope', async () => {
    const required = "/required: property 'country' became required";
    const problem = { field: 'country', rule: 'required', message: required };
    server.use(
      answerVersions(),
      http.post(compatibilityUrl, () =>
        HttpResponse.json({
          compatible: false,
          messages: [required],
          problems: [problem],
          impact: {
            consumers: [],
            problems: [{ ...problem, consumers: [] }],
            affectingNobody: [problem],
          },
        }),
      ),
    );
    await renderWithApis(
      <EventTypeVersions
        eventType={{ ...playbackStarted, compatibilityScope: 'CONSUMERS' }}
      />,
    );

    await typeDraft(draftV3);
    expect(
      await screen.findByText(/accepted under the CONSUMERS scope/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Affects no declared consumer'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Register as version 3' }),
    ).toBeEnabled();
  });

  it('shows in the history how a version was accepted under the CONSUMERS scope', async () => {
    const v3: EventTypeVersion = {
      ...playbackVersions[1],
      version: 3,
      fingerprint: `sha256:${'3'.repeat(64)}`,
      consumerCheck: {
        problems: [
          {
            field: 'country',
            rule: 'required',
            message: "/required: property 'country' became required",
          },
        ],
        consumers: [
          {
            entityRef: 'component:default/listening-stats',
            fieldsRead: ['track_id'],
          },
        ],
      },
    };
    server.use(answerVersions([...playbackVersions, v3]));
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);

    const list = await screen.findByRole('table', { name: 'Versions' });
    const [newest] = within(list).getAllByRole('row').slice(1);
    expect(newest).toHaveTextContent('Accepted under the CONSUMERS scope');
    expect(newest).toHaveTextContent(
      "1 breaking change that no consumer reads: /required: property 'country' became required",
    );
    expect(newest).toHaveTextContent(
      'Checked against component:default/listening-stats (track_id)',
    );
  });

  it('shows a parse error without asking the registry', async () => {
    let calls = 0;
    server.use(
      answerVersions(),
      http.post(compatibilityUrl, () => {
        calls++;
        return HttpResponse.json({ compatible: true, messages: [] });
      }),
    );
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);

    await typeDraft('{ "type": "object", ');
    expect(await screen.findByRole('alert')).toHaveTextContent(/JSON/i);
    expect(screen.getByText(/Not a valid schema/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Register as version 3' }),
    ).toBeDisabled();
    expect(calls).toBe(0);
  });

  it('registers a draft as the next version and reloads', async () => {
    const v3: EventTypeVersion = {
      ...playbackVersions[1],
      version: 3,
      schema: draftV3,
      fingerprint: `sha256:${'3'.repeat(64)}`,
    };
    let registered: unknown;
    let versions = playbackVersions;
    server.use(
      http.get(versionsUrl, () => HttpResponse.json({ items: versions })),
      http.post(compatibilityUrl, () =>
        HttpResponse.json({ compatible: true, messages: [] }),
      ),
      http.post(versionsUrl, async ({ request }) => {
        registered = await request.json();
        versions = [...playbackVersions, v3];
        return HttpResponse.json(v3, { status: 201 });
      }),
    );
    const alertApi = mockApis.alert();
    const onChange = jest.fn();
    await renderWithApis(
      <EventTypeVersions eventType={playbackStarted} onChange={onChange} />,
      { apis: [[alertApiRef, alertApi]] },
    );

    await typeDraft(draftV3);
    await screen.findByText('Compatible under BACKWARD');
    await userEvent.click(
      screen.getByRole('button', { name: 'Register as version 3' }),
    );

    await waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));
    expect(registered).toEqual({ schema: draftV3 });
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: `Registered version 3 of ${playbackStarted.name}`,
        severity: 'success',
      }),
    ]);
    expect(await screen.findByText('Versions (3)')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Register as version 4' }),
    ).toBeInTheDocument();
  });

  it('says when the draft is identical to a version, or became incompatible meanwhile', async () => {
    let answer = HttpResponse.json(playbackVersions[1], { status: 200 });
    server.use(
      answerVersions(),
      http.post(compatibilityUrl, () =>
        HttpResponse.json({ compatible: true, messages: [] }),
      ),
      http.post(versionsUrl, () => answer),
    );
    const onChange = jest.fn();
    await renderWithApis(
      <EventTypeVersions eventType={playbackStarted} onChange={onChange} />,
    );

    // Same content as version 2, its members in another order (which the
    // registry's canonical form ignores, and the page does not).
    const { properties, ...rest } = JSON.parse(playbackVersions[1].schema);
    await typeDraft(JSON.stringify({ properties, ...rest }));
    await screen.findByText('Compatible under BACKWARD');
    const register = screen.getByRole('button', {
      name: 'Register as version 3',
    });
    await userEvent.click(register);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Nothing registered: this schema is identical to version 2.',
    );

    answer = HttpResponse.json(
      {
        compatible: false,
        messages: ['/properties/user_id: removed'],
        error: { name: 'IncompatibleSchemaError', message: 'Incompatible' },
      },
      { status: 409 },
    );
    await userEvent.click(register);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not registered: not compatible under BACKWARD/properties/user_id: removed',
    );
    expect(onChange).not.toHaveBeenCalled();
  });

  it('tells users who may not register versions why', async () => {
    // usePermission caches answers by permission and type name across
    // renders (swr), so a type of its own keeps the other tests' answer out.
    const paused = { ...playbackStarted, name: 'com.example.playback.paused' };
    server.use(
      http.get(`${registryUrl}/event-types/${paused.name}/versions`, () =>
        HttpResponse.json({ items: playbackVersions }),
      ),
    );
    await renderWithApis(<EventTypeVersions eventType={paused} />, {
      canEdit: false,
    });

    const wrapper = await waitFor(() => {
      const button = screen.getByRole('button', {
        name: 'Register as version 3',
      });
      expect(button).toBeDisabled();
      expect(button.parentElement).toHaveAttribute('tabindex', '0');
      return button.parentElement!;
    });
    fireEvent.mouseOver(wrapper);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      `Only the owners of ${paused.name} (group:default/playback) and the registry admins may change it`,
    );
  });

  it('says when the versions cannot be loaded, and retries', async () => {
    let calls = 0;
    server.use(
      http.get(versionsUrl, () => {
        calls++;
        return calls === 1
          ? backendError(500, 'Error', 'database is down')
          : HttpResponse.json({ items: playbackVersions });
      }),
    );
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);

    expect(
      await screen.findByText(
        `Could not load the versions of ${playbackStarted.name}`,
        {
          exact: false,
        },
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('table', { name: 'Versions' }),
    ).toBeInTheDocument();
  });

  it('has nothing to compare with one version, and says so when there is none', async () => {
    server.use(answerVersions(playbackVersions.slice(0, 1)));
    const { unmount } = await renderWithApis(
      <EventTypeVersions
        eventType={{ ...playbackStarted, latestVersion: 1 }}
      />,
    );
    expect(
      await screen.findByText(/There is only version 1 so far/),
    ).toBeInTheDocument();
    unmount();

    server.use(answerVersions([]));
    await renderWithApis(<EventTypeVersions eventType={playbackStarted} />);
    expect(await screen.findByText('No versions yet')).toBeInTheDocument();
  });
});
