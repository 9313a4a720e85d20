import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { EventType } from '@data-collection/plugin-event-schemas-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  backendError,
  playbackStarted,
  registryUrl,
  renderWithApis,
} from '../../../__testUtils__';
import { LifecycleNote } from './LifecycleNote';

const typeUrl = `${registryUrl}/event-types/${playbackStarted.name}`;
const SUCCESSOR = 'com.example.playback.started.v2';

const deprecated: EventType = {
  ...playbackStarted,
  state: 'deprecated',
  deprecation: {
    reason: 'Merged into v2',
    successor: SUCCESSOR,
    sunsetAt: '2099-01-31T00:00:00.000Z',
    deprecatedAt: '2026-12-01T10:00:00.000Z',
    deprecatedBy: 'user:default/alice',
  },
};

const retired: EventType = {
  ...deprecated,
  state: 'retired',
  deprecation: {
    ...deprecated.deprecation!,
    retiredAt: '2099-01-31T00:02:00.000Z',
    retiredBy: 'plugin:event-schemas/sunset',
  },
};

/** A date input's value, typed as a browser would set it. */
async function setDate(field: HTMLElement, value: string) {
  await userEvent.clear(field);
  await userEvent.type(field, value);
}

describe('LifecycleNote', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('deprecates an active type with a reason, a successor and a sunset date', async () => {
    let body: any;
    server.use(
      http.patch(typeUrl, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(deprecated);
      }),
    );
    const onChanged = jest.fn();
    await renderWithApis(
      <LifecycleNote eventType={playbackStarted} onChanged={onChanged} />,
    );
    expect(screen.getByLabelText('Lifecycle: active')).toHaveTextContent(
      'Active',
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Deprecate' }),
    );
    const dialog = await screen.findByRole('dialog');
    const submit = within(dialog).getByRole('button', { name: 'Deprecate' });
    expect(submit).toBeDisabled();

    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Reason/ }),
      'Merged into v2',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Successor/ }),
      SUCCESSOR,
    );
    const sunset = within(dialog).getByLabelText(/Sunset date/);
    await setDate(sunset, '2001-01-01');
    expect(
      within(dialog).getByText('The sunset date must be after today'),
    ).toBeInTheDocument();
    expect(submit).toBeDisabled();

    await setDate(sunset, '2099-01-31');
    await userEvent.click(submit);

    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(deprecated));
    expect(body).toEqual({
      deprecation: {
        reason: 'Merged into v2',
        successor: SUCCESSOR,
        sunsetAt: '2099-01-31T00:00:00Z',
      },
    });
  });

  it("shows a deprecated type's sunset date and successor, and retires it on confirmation", async () => {
    let retireCalls = 0;
    server.use(
      http.post(`${typeUrl}/retire`, () => {
        retireCalls++;
        return retireCalls === 1
          ? backendError(
              409,
              'ConflictError',
              `Event type '${playbackStarted.name}' changed while it was being retired; look at it again and retry`,
            )
          : HttpResponse.json(retired);
      }),
    );
    const onChanged = jest.fn();
    await renderWithApis(
      <LifecycleNote eventType={deprecated} onChanged={onChanged} />,
    );

    const note = screen.getByRole('note', { name: 'Lifecycle: deprecated' });
    expect(note).toHaveTextContent('Deprecated');
    expect(note).toHaveTextContent('Merged into v2');
    expect(within(note).getByRole('link', { name: SUCCESSOR })).toHaveAttribute(
      'href',
      `/event-types/${SUCCESSOR}/overview`,
    );
    expect(
      within(note)
        .getByText(/^Sunset/)
        .querySelector('time'),
    ).toHaveAttribute('dateTime', '2099-01-31T00:00:00.000Z');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Retire now' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      `It will refuse new events from now on, telling producers to send ${SUCCESSOR} instead. Retirement is final`,
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Retire' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /changed while it was being retired/,
    );
    expect(onChanged).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Retire' }),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(retired));
  });

  it('shows a retired type as final, with no way back', async () => {
    await renderWithApis(
      <LifecycleNote eventType={retired} onChanged={jest.fn()} />,
    );
    const note = screen.getByRole('note', { name: 'Lifecycle: retired' });
    expect(note).toHaveTextContent('Retired');
    expect(note).toHaveTextContent('new events are refused');
    expect(within(note).getByRole('link', { name: SUCCESSOR })).toBeVisible();
    expect(
      screen.queryByRole('button', { name: /Make active|Retire now/ }),
    ).not.toBeInTheDocument();
  });

  it('makes a deprecated type active again', async () => {
    let body: unknown;
    server.use(
      http.patch(typeUrl, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(playbackStarted);
      }),
    );
    const onChanged = jest.fn();
    await renderWithApis(
      <LifecycleNote eventType={deprecated} onChanged={onChanged} />,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Make active' }),
    );
    await waitFor(() =>
      expect(onChanged).toHaveBeenCalledWith(playbackStarted),
    );
    expect(body).toEqual({ deprecation: null });
  });
});
