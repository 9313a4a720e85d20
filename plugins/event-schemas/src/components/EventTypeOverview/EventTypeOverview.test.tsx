import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  EventType,
  compileValidator,
} from '@data-collection/plugin-event-schemas-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  playbackSchemaV2,
  playbackStarted,
  playbackVersions,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { EventTypeOverview } from './EventTypeOverview';

const versionsUrl = `${registryUrl}/event-types/${playbackStarted.name}/versions`;

const answerVersions = () =>
  http.get(versionsUrl, () => HttpResponse.json({ items: playbackVersions }));

/**
 * The example event, once shown: the code highlighter loads its languages
 * asynchronously, and fills the snippet in only then.
 */
const exampleShown = () =>
  waitFor(() =>
    JSON.parse(
      screen.getByRole('region', { name: 'Example event' }).textContent!,
    ),
  );

/** The text of the snippet in the selected tab, once highlighted. */
const snippetShown = () =>
  waitFor(() => {
    const text = screen.getByRole('tabpanel').textContent!;
    expect(text).not.toBe('');
    return text;
  });

/** The row of the field tree that lists `name`. */
const fieldRow = (name: string) =>
  within(screen.getByRole('table', { name: 'Fields of version 2' }))
    .getByText(name)
    .closest('tr') as HTMLElement;

describe('EventTypeOverview', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows the details, the latest schema as a field tree, an example event and how to send it', async () => {
    server.use(answerVersions());
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />);

    await screen.findByRole('table', { name: 'Fields of version 2' });
    expect(
      within(fieldRow('user_id')).getByText('Required'),
    ).toBeInTheDocument();
    expect(
      within(fieldRow('user_id')).getByText('Personal data'),
    ).toBeInTheDocument();
    expect(
      within(fieldRow('user_id')).getByText('Who played it'),
    ).toBeInTheDocument();
    expect(
      within(fieldRow('position_ms')).getByText('Optional'),
    ).toBeInTheDocument();
    expect(
      within(fieldRow('position_ms')).getByText('integer'),
    ).toBeInTheDocument();
    expect(
      within(fieldRow('position_ms')).queryByText('Personal data'),
    ).not.toBeInTheDocument();
    // The field naming the person the event is about.
    expect(
      within(fieldRow('user_id')).getByText('Data subject'),
    ).toBeInTheDocument();
    expect(
      within(fieldRow('track_id')).queryByText('Data subject'),
    ).not.toBeInTheDocument();

    expect(
      screen.getByText('A listener started playing a track.'),
    ).toBeInTheDocument();
    expect(screen.getByText('JSON Schema')).toBeInTheDocument();
    expect(
      screen.getByText('Raw events 7 d, delivered events 90 d'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Each hour delivered within 4 h/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('playback', { selector: '.MuiChip-label' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Open in catalog' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/api/com.example.playback.started',
    );

    // The example is a CloudEvent whose data follows the schema.
    const example = await exampleShown();
    expect(example).toMatchObject({
      specversion: '1.0',
      type: 'com.example.playback.started',
      source: '//example.com/my-service',
      datacontenttype: 'application/json',
      dataschema:
        'http://localhost:7007/api/event-schemas/event-types/com.example.playback.started/versions/2',
      data: { track_id: 'string', user_id: 'string', position_ms: 0 },
    });
    expect(example.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      compileValidator({ format: 'jsonschema', schema: playbackSchemaV2 })(
        example.data,
      ).valid,
    ).toBe(true);

    const curl = await snippetShown();
    expect(curl).toContain(
      "curl -X POST 'http://localhost:7007/api/delivery-pipeline/events'",
    );
    expect(curl).toContain("-H 'Content-Type: application/cloudevents+json'");
    expect(curl).toContain('-H "Authorization: Bearer $TOKEN"');
    expect(curl).toContain('"id": "');

    await userEvent.click(
      screen.getByRole('tab', { name: 'CloudEvents SDK (Node)' }),
    );
    const sdk = await snippetShown();
    expect(sdk).toContain(
      "import { CloudEvent, HTTP, Mode, emitterFor, httpTransport } from 'cloudevents';",
    );
    expect(sdk).toContain('mode: Mode.STRUCTURED');
    expect(sdk).toContain(
      'httpTransport("http://localhost:7007/api/delivery-pipeline/events")',
    );
    expect(sdk).toContain('"type": "com.example.playback.started"');
  });

  it('shows the schema text on request', async () => {
    server.use(answerVersions());
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />);

    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Show schema text' }),
    );
    expect(await screen.findByText('Schema of version 2')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Fields of version 2' }),
    ).not.toBeInTheDocument();
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
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />);

    expect(
      await screen.findByText(
        `Could not load the schema of ${playbackStarted.name}`,
        {
          exact: false,
        },
      ),
    ).toBeInTheDocument();
    // The details do not depend on the versions.
    expect(
      screen.getByRole('button', { name: 'Edit details' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('table', { name: 'Fields of version 2' }),
    ).toBeInTheDocument();
  });

  it('says so when the type has no versions', async () => {
    server.use(http.get(versionsUrl, () => HttpResponse.json({ items: [] })));
    await renderWithApis(<EventTypeOverview eventType={playbackStarted} />);
    expect(await screen.findByText('No versions yet')).toBeInTheDocument();
  });

  it('lists the fields of an Avro type and makes a valid example of it', async () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Liked',
      namespace: 'com.example',
      fields: [
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        {
          name: 'user',
          type: {
            type: 'record',
            name: 'User',
            fields: [{ name: 'email', type: 'string', doc: 'Where to write' }],
          },
        },
      ],
    });
    const liked: EventType = {
      ...playbackStarted,
      name: 'com.example.track.liked',
      format: 'avro',
      personalDataFields: ['user'],
      latestVersion: 1,
    };
    server.use(
      http.get(`${registryUrl}/event-types/${liked.name}/versions`, () =>
        HttpResponse.json({
          items: [{ ...playbackVersions[0], eventType: liked.name, schema }],
        }),
      ),
    );
    await renderWithApis(<EventTypeOverview eventType={liked} />);

    const table = await screen.findByRole('table', {
      name: 'Fields of version 1',
    });
    const email = within(table).getByText('email').closest('tr')!;
    // Inside a personal field, so personal too.
    expect(within(email).getByText('Personal data')).toBeInTheDocument();
    expect(
      within(email).getByText('in user', { exact: false }),
    ).toBeInTheDocument();
    expect(screen.getByText('Avro')).toBeInTheDocument();

    const example = await exampleShown();
    expect(compileValidator({ format: 'avro', schema })(example.data)).toEqual({
      valid: true,
      errors: [],
    });
    expect(example.data.at).toBe(Date.parse(example.time));
  });

  it('makes the example of a schema that references another type with the referenced version', async () => {
    const user: EventType = {
      ...playbackStarted,
      name: 'com.example.user',
      latestVersion: 1,
    };
    const userSchema = JSON.stringify({
      type: 'object',
      required: ['id', 'country'],
      properties: {
        id: { type: 'string' },
        country: { type: 'string', enum: ['SE', 'NO'] },
      },
    });
    const loginSchema = JSON.stringify({
      type: 'object',
      required: ['user'],
      properties: {
        user: {
          $ref: '/api/event-schemas/event-types/com.example.user/versions/1',
        },
      },
    });
    const login: EventType = {
      ...playbackStarted,
      name: 'com.example.login',
      personalDataFields: [],
      dataSubject: undefined,
      latestVersion: 1,
    };
    const version = (eventType: string, schema: string) => ({
      ...playbackVersions[0],
      eventType,
      schema,
    });
    server.use(
      http.get(`${registryUrl}/event-types/${login.name}/versions`, () =>
        HttpResponse.json({ items: [version(login.name, loginSchema)] }),
      ),
      http.get(`${registryUrl}/event-types/${user.name}`, () =>
        HttpResponse.json(user),
      ),
      http.get(`${registryUrl}/event-types/${user.name}/versions`, () =>
        HttpResponse.json({ items: [version(user.name, userSchema)] }),
      ),
    );
    await renderWithApis(<EventTypeOverview eventType={login} />);

    const example = await exampleShown();
    expect(example.data).toEqual({
      user: {
        id: expect.any(String),
        country: expect.stringMatching(/^(SE|NO)$/),
      },
    });
  });
});
