import { alertApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../../__testUtils__';
import { EventTypeOverview } from '../EventTypeOverview';

// Editing is tested through the whole overview: the dialog takes its
// personal data choices from the schema the overview loads, and the saved
// details replace the shown ones.

const versionsUrl = `${registryUrl}/event-types/${playbackStarted.name}/versions`;
const typeUrl = `${registryUrl}/event-types/${playbackStarted.name}`;

const answerVersions = () =>
  http.get(versionsUrl, () => HttpResponse.json({ items: playbackVersions }));

/** Types text into a field at once: key by key is slow and tests nothing more. */
async function replaceText(field: HTMLElement, text: string) {
  await userEvent.clear(field);
  await userEvent.paste(text);
}

describe('Editing the details of an event type', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lets an owner edit the details with a PATCH of what changed', async () => {
    let body: unknown;
    server.use(
      answerVersions(),
      http.patch(typeUrl, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          ...playbackStarted,
          lifecycle: 'experimental',
          sla: { maxLateness: 'PT2H' },
          personalDataFields: ['user_id', 'track_id'],
        } satisfies EventType);
      }),
    );
    const alertApi = mockApis.alert();
    const onChange = jest.fn();
    await renderWithApis(
      <EventTypeOverview eventType={playbackStarted} onChange={onChange} />,
      { apis: [[alertApiRef, alertApi]] },
    );
    await screen.findByRole('table', { name: 'Fields of version 2' });

    await userEvent.click(screen.getByRole('button', { name: 'Edit details' }));
    const dialog = await screen.findByRole('dialog', {
      name: `Edit details of ${playbackStarted.name}`,
    });
    await replaceText(
      within(dialog).getByLabelText('Lifecycle'),
      'experimental',
    );
    await replaceText(
      within(dialog).getByLabelText('SLA: maximum lateness'),
      'PT2H',
    );
    expect(
      within(dialog).getByText(
        'Each hour is delivered at most 2 h after it ends',
      ),
    ).toBeInTheDocument();
    // Personal data is picked from the latest schema's fields; the data
    // subject is personal while it is the subject.
    const subject = within(dialog).getByRole('checkbox', {
      name: 'user_id (data subject)',
    });
    expect(subject).toBeChecked();
    expect(subject).toBeDisabled();
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'track_id' }),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(body).toEqual({
      lifecycle: 'experimental',
      sla: { maxLateness: 'PT2H' },
      personalDataFields: ['user_id', 'track_id'],
    });
    expect(
      screen.getByText(/Each hour delivered within 2 h/),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(alertApi.getAlerts()).toEqual([
      expect.objectContaining({
        message: `Saved the details of ${playbackStarted.name}`,
        severity: 'success',
      }),
    ]);
  });

  it('moves the data subject, which becomes personal, and unsets it only without personal data', async () => {
    const bodies: unknown[] = [];
    let current: EventType = playbackStarted;
    server.use(
      answerVersions(),
      http.patch(typeUrl, async ({ request }) => {
        const body = (await request.json()) as Partial<EventType>;
        bodies.push(body);
        current = {
          ...current,
          ...body,
          dataSubject: body.dataSubject ?? undefined,
        };
        return HttpResponse.json(current);
      }),
    );
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />);
    await screen.findByRole('table', { name: 'Fields of version 2' });

    await userEvent.click(screen.getByRole('button', { name: 'Edit details' }));
    let dialog = await screen.findByRole('dialog');
    const subjectSelect = () => within(dialog).getByLabelText('Data subject');
    // Strings only: position_ms is an integer.
    expect(
      within(subjectSelect())
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['None', 'track_id', 'user_id']);
    expect(subjectSelect()).toHaveAccessibleDescription(
      /^The field that identifies the person an event is about/,
    );
    await userEvent.selectOptions(subjectSelect(), 'track_id');
    const moved = within(dialog).getByRole('checkbox', {
      name: 'track_id (data subject)',
    });
    expect(moved).toBeChecked();
    expect(moved).toBeDisabled();
    // The former subject stays personal, and may now be unchecked.
    expect(
      within(dialog).getByRole('checkbox', { name: 'user_id' }),
    ).toBeEnabled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(bodies).toEqual([
      { personalDataFields: ['user_id', 'track_id'], dataSubject: 'track_id' },
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Edit details' }));
    dialog = await screen.findByRole('dialog');
    await userEvent.selectOptions(subjectSelect(), '');
    expect(subjectSelect()).toHaveAttribute('aria-invalid', 'true');
    expect(subjectSelect()).toHaveAccessibleDescription(
      'is required when a field holds personal data: choose the field that identifies the person an event is about',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(bodies).toHaveLength(1);

    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'user_id' }),
    );
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'track_id' }),
    );
    expect(subjectSelect()).toHaveAttribute('aria-invalid', 'false');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(bodies[1]).toEqual({ personalDataFields: [], dataSubject: null });
  });

  it('changes whom the compatibility mode protects, saying what each scope does', async () => {
    let body: unknown;
    server.use(
      answerVersions(),
      http.patch(typeUrl, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          ...playbackStarted,
          compatibilityScope: 'CONSUMERS',
        } satisfies EventType);
      }),
    );
    await renderWithApis(
      <EventTypeOverview eventType={playbackStarted} onChange={jest.fn()} />,
    );
    expect(await screen.findByText('Every field (ALL)')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Edit details' }));
    const dialog = await screen.findByRole('dialog', {
      name: `Edit details of ${playbackStarted.name}`,
    });
    fireEvent.change(within(dialog).getByLabelText('Checked against'), {
      target: { value: 'CONSUMERS' },
    });
    expect(
      within(dialog).getByText(/a change that breaks only fields no consumer/),
    ).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() =>
      expect(body).toEqual({ compatibilityScope: 'CONSUMERS' }),
    );
    expect(
      await screen.findByText('The fields consumers read (CONSUMERS)'),
    ).toBeInTheDocument();
  });

  it("shows the registry's objections at the fields they name", async () => {
    server.use(
      answerVersions(),
      http.patch(typeUrl, () =>
        backendError(
          400,
          'InputError',
          'Invalid change: sla.maxLateness: must be an ISO 8601 duration such as P30D or PT4H; tags.1: must be lowercase letters, digits, +, #, : separated by single dashes; owner: unknown',
        ),
      ),
    );
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />);
    await screen.findByRole('table', { name: 'Fields of version 2' });

    await userEvent.click(screen.getByRole('button', { name: 'Edit details' }));
    const dialog = await screen.findByRole('dialog');
    await replaceText(
      within(dialog).getByLabelText('SLA: maximum lateness'),
      'four hours',
    );
    await replaceText(
      within(dialog).getByLabelText('Tags'),
      'playback, BadTag',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(
      await within(dialog).findByText(
        'must be an ISO 8601 duration such as P30D or PT4H',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByLabelText('SLA: maximum lateness'),
    ).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByLabelText('Tags')).toHaveAccessibleDescription(
      "'BadTag': must be lowercase letters, digits, +, #, : separated by single dashes",
    );
    // What names no field of the form is said at the top.
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'owner: unknown',
    );
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeEnabled();
  });

  it('tells users who may not edit why the button is disabled', async () => {
    // usePermission caches answers by permission and type name across
    // renders (swr), so a type of its own keeps the other tests' answer out.
    const paused = { ...playbackStarted, name: 'com.example.playback.paused' };
    server.use(
      http.get(`${registryUrl}/event-types/${paused.name}/versions`, () =>
        HttpResponse.json({ items: playbackVersions }),
      ),
    );
    await renderWithApis(<EventTypeOverview eventType={paused} />, {
      canEdit: false,
    });

    // Once the permission is known, the disabled button sits in a wrapper
    // that takes the hover (and keyboard focus) for the tooltip.
    const wrapper = await waitFor(() => {
      const button = screen.getByRole('button', { name: 'Edit details' });
      expect(button).toBeDisabled();
      expect(button.parentElement).toHaveAttribute('tabindex', '0');
      return button.parentElement!;
    });
    fireEvent.mouseOver(wrapper);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Only the owners of com.example.playback.paused (group:default/playback) and the registry admins may change it',
    );
  });
});
