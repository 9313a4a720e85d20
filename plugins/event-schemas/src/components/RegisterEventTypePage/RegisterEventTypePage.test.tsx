import { Entity } from '@backstage/catalog-model';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes, useLocation } from 'react-router-dom';
import {
  playbackStarted,
  registryUrl,
  renderWithApis,
  backendError,
} from '../../__testUtils__';
import { RegisterEventTypePage } from './RegisterEventTypePage';

const server = setupServer();
registerMswTestHooks(server);

const groups: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'playback', namespace: 'default', title: 'Playback' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'search', namespace: 'default' },
    spec: { type: 'team', profile: { displayName: 'Search team' } },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'player', namespace: 'default', title: 'Player' },
    spec: { type: 'service' },
  },
];

/** Where the page sent the user after registering. */
const CurrentPath = () => <p>Now at {useLocation().pathname}</p>;

function renderPage(
  options: {
    catalog?: ReturnType<typeof catalogApiMock.mock>;
    alerts?: ReturnType<typeof mockApis.alert>;
  } = {},
) {
  return renderWithApis(
    <Routes>
      <Route path="/event-types/new" element={<RegisterEventTypePage />} />
      <Route path="/event-types/:name/:tab" element={<CurrentPath />} />
    </Routes>,
    {
      initialRouteEntries: ['/event-types/new'],
      apis: [
        options.catalog ?? catalogApiMock({ entities: groups }),
        options.alerts ?? mockApis.alert(),
      ],
    },
  );
}

/** The registry, with the playback type registered and POSTs captured. */
function useRegistry(
  answer: (body: any) => Response = body =>
    HttpResponse.json(
      { ...playbackStarted, ...body, latestVersion: 1, version: 1 },
      { status: 201 },
    ),
) {
  const posted: any[] = [];
  server.use(
    http.get(`${registryUrl}/event-types`, () =>
      HttpResponse.json({ items: [playbackStarted], totalItems: 1 }),
    ),
    http.post(`${registryUrl}/event-types`, async ({ request }) => {
      const body = await request.json();
      posted.push(body);
      return answer(body);
    }),
  );
  return posted;
}

function registryError(status: number, name: string, message: string) {
  return () => backendError(status, name, message);
}

/** Replaces the editor's text the way a user pasting a schema would. */
async function pasteSchema(text: string) {
  const content = document.querySelector('.cm-content') as HTMLElement;
  await userEvent.click(content);
  await userEvent.keyboard('{Control>}a{/Control}');
  await userEvent.paste(text);
}

async function groupsLoaded() {
  await waitFor(() =>
    expect(screen.queryByLabelText('Loading groups')).not.toBeInTheDocument(),
  );
}

async function chooseOwner(title: RegExp) {
  await groupsLoaded();
  await userEvent.click(screen.getByLabelText(/^Owner/));
  await userEvent.click(await screen.findByRole('option', { name: title }));
}

/**
 * Enters text in a field as pasted: one change instead of one per character,
 * since every change renders the form again, which is slow in jsdom.
 */
async function enter(label: RegExp, text: string) {
  const field = screen.getByLabelText(label);
  await userEvent.clear(field);
  await userEvent.click(field);
  await userEvent.paste(text);
  return field;
}

const submitButton = () => screen.getByRole('button', { name: 'Register' });

/** Fills in the two required fields; the starter schema is valid as it is. */
async function fillRequired(name = 'com.example.search.done') {
  await enter(/^Name/, name);
  await chooseOwner(/^Search team/);
  await waitFor(() => expect(submitButton()).toBeEnabled());
}

async function chooseOption(select: RegExp, option: string | RegExp) {
  await userEvent.click(screen.getByRole('button', { name: select }));
  await userEvent.click(screen.getByRole('option', { name: option }));
}

describe('RegisterEventTypePage', () => {
  it('checks the name as it is typed and warns when it is taken', async () => {
    useRegistry();
    await renderPage();
    const name = screen.getByLabelText(/^Name/);

    await userEvent.type(name, 'a b');
    expect(
      screen.getByText(
        'Name must be 1 to 128 letters, digits, dots, dashes or underscores, start with a letter or digit and not end with a dot, e.g. com.example.playback.started',
      ),
    ).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');

    await enter(/^Name/, playbackStarted.name);
    expect(name).toHaveAttribute('aria-invalid', 'false');
    expect(
      await screen.findByText(/is already registered/),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'open it' })).toHaveAttribute(
      'href',
      `/event-types/${playbackStarted.name}/overview`,
    );

    // Required, once left empty.
    await userEvent.clear(name);
    await userEvent.tab();
    expect(screen.getByText('Name is required')).toBeInTheDocument();
    expect(submitButton()).toBeDisabled();
    expect(submitButton()).toHaveAccessibleDescription(
      'To register, complete or fix: Name, Owner',
    );
  });

  it('lets the owner be typed when the catalog cannot be read', async () => {
    useRegistry();
    await renderPage({
      catalog: catalogApiMock.mock({
        getEntities: jest.fn().mockRejectedValue(new Error('catalog is down')),
      }),
    });

    expect(
      await screen.findByText(
        "Could not load the catalog's groups (catalog is down); type the group's ref, e.g. group:default/playback",
      ),
    ).toBeInTheDocument();
    const owner = await enter(/^Owner/, 'component:default/player');
    expect(
      screen.getByText(
        "Owner must be a catalog group, e.g. group:default/playback; got kind 'component'",
      ),
    ).toBeInTheDocument();
    await enter(/^Owner/, 'group:default/search');
    expect(owner).toHaveAttribute('aria-invalid', 'false');
  });

  it('checks the schema as it is edited, and swaps the starter with the format', async () => {
    useRegistry();
    await renderPage();

    // The real editor, with the starter template in it.
    const content = document.querySelector('.cm-content') as HTMLElement;
    expect(content).toHaveTextContent(
      '"$schema": "https://json-schema.org/draft/2020-12/schema"',
    );
    expect(screen.getByText('Valid JSON Schema: 2 fields')).toBeInTheDocument();

    // Untouched, the starter follows the format.
    await chooseOption(/^Format/, 'Avro');
    expect(content).toHaveTextContent('"type": "record"');
    expect(
      await screen.findByText('Valid Avro schema: 2 fields'),
    ).toBeInTheDocument();
    await chooseOption(/^Format/, 'JSON Schema');

    await pasteSchema(
      '{"type": "object", "properties": {"a": {"type": "strin"}}}',
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /properties\/a\/type/,
    );
    expect(screen.queryByText(/Valid JSON Schema/)).not.toBeInTheDocument();
    expect(submitButton()).toHaveAccessibleDescription(/Schema/);

    await pasteSchema(
      '{"type": "object", "properties": {"a": {"type": "string"}}}',
    );
    expect(
      await screen.findByText('Valid JSON Schema: 1 field'),
    ).toBeInTheDocument();

    // The user's own schema stays when the format changes.
    await chooseOption(/^Format/, 'Avro');
    expect(content).toHaveTextContent('"properties"');
  });

  it('registers the event type with what was entered, then opens it', async () => {
    const posted = useRegistry();
    const alerts = mockApis.alert();
    await renderPage({ alerts });

    await enter(/^Name/, 'com.example.search.done');
    await enter(/^Title/, 'Search done');
    // The catalog's groups, by title, and only groups.
    await groupsLoaded();
    await userEvent.click(screen.getByLabelText(/^Owner/));
    const options = await screen.findAllByRole('option');
    expect(options.map(option => option.textContent)).toEqual([
      'Playback group:default/playback',
      'Search team group:default/search',
    ]);
    await userEvent.click(options[0]);
    expect(screen.getByLabelText(/^Owner/)).toHaveValue(
      'Playback (group:default/playback)',
    );
    await chooseOption(/^Compatibility mode/, 'FULL');
    expect(
      screen.getByText(/old and new consumers read old and new events/),
    ).toBeInTheDocument();
    await enter(/^Tags/, 'search, mobile-app');
    await enter(/^Raw retention/, 'P7D');
    expect(
      screen.getByText('7 d: how long raw partitions are kept'),
    ).toBeInTheDocument();
    await enter(/^Maximum lateness/, 'PT4H');
    await chooseOption(/^Personal data fields/, /user_id/);
    await userEvent.keyboard('{Escape}');
    // Personal data needs the person it is about, and says so at once.
    expect(
      screen.getByText(
        'Data subject is required when a field holds personal data: choose the field that identifies the person an event is about',
      ),
    ).toBeInTheDocument();
    expect(submitButton()).toBeDisabled();
    await chooseOption(/^Data subject/, /^user_id/);
    expect(
      screen.getByText(
        /^The field that identifies the person an event is about/,
      ),
    ).toBeInTheDocument();

    await waitFor(() => expect(submitButton()).toBeEnabled());
    await userEvent.click(submitButton());

    expect(
      await screen.findByText(
        'Now at /event-types/com.example.search.done/overview',
      ),
    ).toBeInTheDocument();
    expect(posted).toEqual([
      {
        name: 'com.example.search.done',
        title: 'Search done',
        owner: 'group:default/playback',
        lifecycle: 'experimental',
        tags: ['search', 'mobile-app'],
        format: 'jsonschema',
        compatibility: 'FULL',
        retention: { raw: 'P7D' },
        sla: { maxLateness: 'PT4H' },
        personalDataFields: ['user_id'],
        dataSubject: 'user_id',
        schema: expect.stringContaining('"user_id"'),
      },
    ]);
    expect(alerts.getAlerts()).toEqual([
      expect.objectContaining({
        message: 'Registered com.example.search.done v1',
        severity: 'success',
      }),
    ]);
  });

  it("shows the registry's field errors at their fields, keeping the input", async () => {
    useRegistry(
      registryError(
        400,
        'InputError',
        "Invalid event type: owner: must be a catalog group ref, e.g. group:default/playback; retention.raw: must be an ISO 8601 duration such as P30D or PT4H; unknown field 'colour'",
      ),
    );
    await renderPage();
    await fillRequired();
    const raw = await enter(/^Raw retention/, 'P7D');
    await userEvent.click(submitButton());

    expect(
      await screen.findByText(
        'Owner must be a catalog group ref, e.g. group:default/playback',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/^Owner/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(raw).toHaveAttribute('aria-invalid', 'true');
    expect(
      screen.getByText(
        'Raw retention must be an ISO 8601 duration such as P30D or PT4H',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/The event type was not registered/),
    ).toBeInTheDocument();
    expect(screen.getByText("unknown field 'colour'")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Name/)).toHaveValue(
      'com.example.search.done',
    );
    expect(raw).toHaveValue('P7D');

    // Changing the field clears the registry's complaint about it.
    await enter(/^Raw retention/, 'P8D');
    expect(raw).toHaveAttribute('aria-invalid', 'false');
  });

  it('offers the string fields outside arrays and maps as the data subject, which is personal data itself', async () => {
    const answers = [
      registryError(
        400,
        'InputError',
        "dataSubject: 'user.id', the type's data subject, is missing in this schema",
      ),
    ];
    const posted = useRegistry(body =>
      answers.length > 0
        ? answers.shift()!()
        : HttpResponse.json(
            { ...playbackStarted, ...body, latestVersion: 1, version: 1 },
            { status: 201 },
          ),
    );
    await renderPage();
    await fillRequired();
    await pasteSchema(
      JSON.stringify({
        type: 'object',
        properties: {
          user: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              age: { type: 'integer' },
            },
          },
          tracks: {
            type: 'array',
            items: {
              type: 'object',
              properties: { owner: { type: 'string' } },
            },
          },
        },
      }),
    );
    await screen.findByText('Valid JSON Schema: 5 fields');

    await userEvent.click(
      screen.getByRole('button', { name: /^Data subject/ }),
    );
    expect(
      screen.getAllByRole('option').map(option => option.textContent),
    ).toEqual(['NoneThe events hold no personal data', 'user.idstring']);
    await userEvent.click(screen.getByRole('option', { name: /^user\.id/ }));

    // Chosen, it is personal, and stays so while it is the subject.
    expect(
      screen.getByRole('button', { name: /^Personal data fields/ }),
    ).toHaveTextContent('user.id');
    await userEvent.click(
      screen.getByRole('button', { name: /^Personal data fields/ }),
    );
    expect(
      screen.getByRole('option', { name: 'user.id string, the data subject' }),
    ).toHaveAttribute('aria-disabled', 'true');
    await userEvent.keyboard('{Escape}');

    // The registry's objection to the subject shows at the subject.
    await waitFor(() => expect(submitButton()).toBeEnabled());
    await userEvent.click(submitButton());
    expect(
      await screen.findByText(
        "'user.id', the type's data subject, is missing in this schema",
      ),
    ).toBeInTheDocument();
    await userEvent.click(submitButton());
    await screen.findByText(/^Now at /);
    expect(posted[1]).toMatchObject({
      personalDataFields: ['user.id'],
      dataSubject: 'user.id',
    });
  });

  it('shows a rejected schema at the schema, a taken name at the name, and other failures above the button', async () => {
    const answers = [
      registryError(
        400,
        'InputError',
        'Invalid schema: Schema is too large: 300000 bytes, over the limit of 262144 bytes (maxBytes)',
      ),
      registryError(
        409,
        'ConflictError',
        "Event type 'com.example.search.done' already exists; register a new schema with POST /event-types/com.example.search.done/versions",
      ),
      registryError(500, 'Error', 'database is locked'),
    ];
    useRegistry(() => answers.shift()!());
    await renderPage();
    await fillRequired();

    await userEvent.click(submitButton());
    expect(await screen.findByText(/Schema is too large/)).toBeInTheDocument();
    expect(document.querySelector('.cm-content')).toHaveFocus();

    await userEvent.click(submitButton());
    expect(
      await screen.findByText(
        /Event type 'com.example.search.done' already exists/,
      ),
    ).toBeInTheDocument();
    const name = screen.getByLabelText(/^Name/);
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveFocus();
    expect(screen.getByRole('link', { name: 'open it' })).toHaveAttribute(
      'href',
      '/event-types/com.example.search.done/overview',
    );

    await userEvent.click(submitButton());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The event type was not registered');
    expect(within(alert).getByText('database is locked')).toBeInTheDocument();
    expect(submitButton()).toBeEnabled();
  });

  it('shows at the owner why the registry refuses a group the user is not in', async () => {
    const reason =
      "You may register event types only for groups you belong to (group:default/playback); 'group:default/search' is not one of them";
    useRegistry(registryError(403, 'NotAllowedError', reason));
    await renderPage();
    await fillRequired();

    await userEvent.click(submitButton());
    expect(await screen.findByText(reason)).toBeInTheDocument();
    const owner = screen.getByLabelText(/^Owner/);
    expect(owner).toHaveAttribute('aria-invalid', 'true');
    expect(submitButton()).toBeEnabled();
  });
});
