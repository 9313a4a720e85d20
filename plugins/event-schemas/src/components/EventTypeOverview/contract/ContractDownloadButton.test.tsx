import { alertApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  backendError,
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
} from '../../../__testUtils__';
import { EventTypeOverview } from '../EventTypeOverview';

const typeUrl = `${registryUrl}/event-types/${playbackStarted.name}`;
const contractYaml = `apiVersion: v3.1.0\nkind: DataContract\nid: ${playbackStarted.name}\nversion: "2"\n`;

describe('the data contract download on the Overview tab', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const created: Blob[] = [];
  const downloads: Array<{ href: string; download: string }> = [];
  beforeEach(() => {
    created.length = 0;
    downloads.length = 0;
    // jsdom has no object URLs and does not navigate on a link's click.
    URL.createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:contract';
    });
    URL.revokeObjectURL = jest.fn();
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function click(this: HTMLAnchorElement) {
        downloads.push({ href: this.href, download: this.download });
      });
  });
  afterEach(() => jest.restoreAllMocks());

  it("downloads the latest version's contract as YAML from the registry", async () => {
    const accepts: Array<string | null> = [];
    const versionsAsked: Array<string | null> = [];
    server.use(
      http.get(`${typeUrl}/versions`, () =>
        HttpResponse.json({ items: playbackVersions }),
      ),
      http.get(`${typeUrl}/contract`, ({ request }) => {
        accepts.push(request.headers.get('accept'));
        versionsAsked.push(new URL(request.url).searchParams.get('version'));
        return new HttpResponse(contractYaml, {
          headers: { 'Content-Type': 'application/yaml' },
        });
      }),
    );
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Data contract (ODCS)' }),
    );
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]).toEqual({
      href: 'blob:contract',
      download: 'com.example.playback.started.odcs.yaml',
    });
    expect(accepts).toEqual(['application/yaml']);
    expect(versionsAsked).toEqual(['2']);
    expect(created[0].type).toBe('application/yaml');
    expect(await created[0].text()).toBe(contractYaml);
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:contract');
  });

  it('says why when the registry does not answer with the contract', async () => {
    server.use(
      http.get(`${typeUrl}/versions`, () =>
        HttpResponse.json({ items: playbackVersions }),
      ),
      http.get(`${typeUrl}/contract`, () =>
        backendError(404, 'NotFoundError', 'Event type has no version 2'),
      ),
    );
    const alertApi = mockApis.alert();
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />, {
      apis: [[alertApiRef, alertApi]],
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Data contract (ODCS)' }),
    );
    await waitFor(() =>
      expect(alertApi.getAlerts()).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(
            /^Could not download the data contract of com.example.playback.started: Event type has no version 2$/,
          ),
          severity: 'error',
        }),
      ]),
    );
    expect(downloads).toEqual([]);
  });
});
