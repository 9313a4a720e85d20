import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { CompatibilityCheck } from '@data-collection/plugin-event-schemas-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
} from '../../../__testUtils__';
import { DraftCheck } from './DraftCheck';

const compatibilityUrl = `${registryUrl}/event-types/${playbackStarted.name}/compatibility`;
const latest = playbackVersions[1];

/** Replaces the draft in the editor the way a user pasting a schema would. */
async function typeDraft(text: string) {
  await screen.findByText('Draft of version 3');
  const content = document.querySelector('.cm-content') as HTMLElement;
  await userEvent.click(content);
  await userEvent.keyboard('{Control>}a{/Control}');
  await userEvent.paste(text);
}

const draft = JSON.stringify({ ...JSON.parse(latest.schema), title: 'x' });

describe('DraftCheck', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const answer = (check: CompatibilityCheck) =>
    server.use(http.post(compatibilityUrl, () => HttpResponse.json(check)));

  it('shows what each type that references this one makes of the draft', async () => {
    const narrowed = '/properties/playback/properties/position_ms: minimum 10';
    answer({
      compatible: true,
      messages: [],
      problems: [],
      referrers: {
        items: [
          {
            eventType: 'com.example.playback.session',
            version: 4,
            depth: 1,
            path: ['com.example.playback.session', playbackStarted.name],
            compatible: false,
            mode: 'BACKWARD',
            problems: [
              {
                field: 'playback.position_ms',
                rule: 'minimum',
                message: narrowed,
              },
            ],
          },
          {
            eventType: 'com.example.billing.invoice',
            version: 2,
            depth: 3,
            path: [
              'com.example.billing.invoice',
              'com.example.billing.line',
              null,
              playbackStarted.name,
            ],
            compatible: true,
            mode: 'FORWARD',
            problems: [],
          },
        ],
        unreadable: { count: 2, incompatible: 1 },
        more: 3,
      },
    });
    await renderWithApis(
      <DraftCheck
        eventType={playbackStarted}
        latest={latest}
        onRegistered={() => {}}
      />,
    );
    await typeDraft(draft);

    const section = await screen.findByRole('region', {
      name: 'Types that reference this one',
    });
    // The referrers, not the reasons listed inside them.
    const [session, invoice] = within(section)
      .getAllByRole('listitem')
      .filter(item => item.parentElement?.parentElement === section);
    expect(
      within(session).getByRole('link', {
        name: 'com.example.playback.session',
      }),
    ).toHaveAttribute(
      'href',
      '/event-types/com.example.playback.session/versions',
    );
    expect(session).toHaveTextContent(
      'version 4: Not compatible under BACKWARD',
    );
    expect(session).toHaveTextContent(
      `References it directly: com.example.playback.session → ${playbackStarted.name}`,
    );
    expect(within(session).getByText(narrowed)).toBeInTheDocument();

    expect(invoice).toHaveTextContent('version 2: Compatible under FORWARD');
    expect(invoice).toHaveTextContent(
      `References it through 2 other types: com.example.billing.invoice → com.example.billing.line → a type you may not read → ${playbackStarted.name}`,
    );
    expect(section).toHaveTextContent(
      '2 more you may not read, of which 1 not compatible.',
    );
    expect(section).toHaveTextContent(
      '3 more not checked: the registry checks the nearest 4 at a time.',
    );
    // Referrers never block registering: they keep their versions.
    expect(
      screen.getByRole('button', { name: 'Register as version 3' }),
    ).toBeEnabled();
  });

  it('says when nothing references the type, and nothing for an older registry', async () => {
    answer({
      compatible: true,
      messages: [],
      problems: [],
      referrers: {
        items: [],
        unreadable: { count: 0, incompatible: 0 },
        more: 0,
      },
    });
    const { unmount } = await renderWithApis(
      <DraftCheck
        eventType={playbackStarted}
        latest={latest}
        onRegistered={() => {}}
      />,
    );
    await typeDraft(draft);
    expect(
      await screen.findByText('No other event type references this one.'),
    ).toBeInTheDocument();
    unmount();

    answer({ compatible: true, messages: [], problems: [] });
    await renderWithApis(
      <DraftCheck
        eventType={playbackStarted}
        latest={latest}
        onRegistered={() => {}}
      />,
    );
    await typeDraft(draft);
    expect(
      await screen.findByText('Compatible under BACKWARD'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/references this one/)).not.toBeInTheDocument();
  });
});
