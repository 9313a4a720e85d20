import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import eventSchemasPlugin from '@data-collection/plugin-event-schemas-backend';
import { CompatibilityImpact } from '@data-collection/plugin-event-schemas-common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  makeFiles,
  playbackFile,
  playbackSchema,
  runCli,
} from '../__testUtils__/runCli';
import {
  lineOf,
  referrerSchema,
  typeFile,
  userSchema,
} from '../__testUtils__/references';

// The real registry (event-schemas-backend on SQLite) behind Backstage's
// real authentication, which accepts a static token as an external
// (service) principal, as a CI job's token would be configured.
const TOKEN = 'ci-token-for-the-event-schemas-cli-test';

// Starting a backend takes seconds, more on a busy machine.
jest.setTimeout(60_000);

describe('event-schemas check --registry', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let url: string;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        eventSchemasPlugin,
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: { token: TOKEN, subject: 'ci' },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    url = `http://localhost:${(backend.server.address() as AddressInfo).port}`;
    const register = async (body: Record<string, unknown>) => {
      const created = await fetch(`${url}/api/event-schemas/event-types`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          owner: 'group:default/playback',
          format: 'jsonschema',
          ...body,
        }),
      });
      if (created.status !== 201) {
        throw new Error(`registering the test's type: ${await created.text()}`);
      }
    };
    await register({
      name: 'com.example.playback.started',
      personalDataFields: ['user_id'],
      dataSubject: 'user_id',
      schema: playbackSchema,
    });
    await register({ name: 'com.example.user', schema: userSchema });
    await register({
      name: 'com.example.login',
      schema: referrerSchema({ to: 'com.example.user' }),
    });
  });

  afterAll(async () => {
    await backend.stop();
  });

  const env = { EVENT_SCHEMAS_TOKEN: TOKEN };

  it('passes a compatible file and a type the registry does not have yet', async () => {
    const dir = await makeFiles({
      'playback.yaml': playbackFile(),
      'search.yaml': playbackFile({ name: 'com.example.search.performed' }),
    });
    const result = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
      env,
    });
    expect(result).toEqual({
      code: 0,
      stdout: [
        "OK   playback.yaml (compatible with the registry's latest version)",
        `OK   search.yaml (new since ${url})`,
        '2 event type files checked: all OK',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('fails an incompatible file with the registry’s reasons', async () => {
    const schema = {
      ...playbackSchema,
      properties: {
        ...playbackSchema.properties,
        position_ms: { type: 'integer' },
      },
    };
    const text = playbackFile({ schema });
    const line =
      text.split('\n').findIndex(l => l.includes('"position_ms"')) + 1;
    const dir = await makeFiles({ 'playback.yaml': text });
    const result = await runCli(['check', '--registry', `${url}/`, '.'], {
      cwd: dir,
      env: { ...env, GITHUB_ACTIONS: 'true' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `    playback.yaml:${line}: /properties/position_ms: type narrowed from number to integer (as the registry checks it)\n`,
    );
    expect(result.stdout).toContain(
      `::error file=playback.yaml,line=${line},title=Incompatible schema change::/properties/position_ms: type narrowed from number to integer (as the registry checks it)\n`,
    );
  });

  it('resolves a reference to a registered type no file defines, and sends the schema for the registry to resolve', async () => {
    const dir = await makeFiles({
      // Registered, referencing the user type: compared as it is written.
      'login.yaml': typeFile({
        name: 'com.example.login',
        schema: referrerSchema({ to: 'com.example.user' }),
      }),
      // New, its personal data in the registered user type.
      'signup.yaml': typeFile({
        name: 'com.example.signup',
        schema: referrerSchema({ to: 'com.example.user' }),
        extra: [
          'personalDataFields: [user.user_id]',
          'dataSubject: user.user_id',
        ],
      }),
    });
    const result = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
      env,
    });
    expect(result).toEqual({
      code: 0,
      stdout: [
        "OK   login.yaml (compatible with the registry's latest version)",
        `OK   signup.yaml (new since ${url})`,
        '2 event type files checked: all OK',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('says which referencing types a change breaks, as the registry judges them', async () => {
    // com.example.login references com.example.user version 1 (BACKWARD):
    // narrowing age breaks login too, once it moves to this version.
    const schema = {
      ...userSchema,
      properties: { ...userSchema.properties, age: { type: 'integer' } },
    };
    const dir = await makeFiles({
      'user.yaml': typeFile({ name: 'com.example.user', schema }),
    });
    const result = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '    referenced by com.example.login (version 1), not BACKWARD compatible when it moves to this version: /properties/user/properties/age: type narrowed from number to integer\n',
    );
    const json = await runCli(['check', '--json', '--registry', url, '.'], {
      cwd: dir,
      env,
    });
    expect(JSON.parse(json.stdout).files[0].comparison.referrers).toEqual({
      items: [
        expect.objectContaining({
          eventType: 'com.example.login',
          version: 1,
          depth: 1,
          path: ['com.example.login', 'com.example.user'],
          compatible: false,
          mode: 'BACKWARD',
        }),
      ],
      unreadable: { count: 0, incompatible: 0 },
      more: 0,
    });
  });

  it('says to register a type first when a file references it and the registry does not have it', async () => {
    const text = typeFile({
      name: 'com.example.login',
      schema: referrerSchema({ to: 'com.example.team' }),
    });
    const dir = await makeFiles({
      'login.yaml': text,
      'team.yaml': typeFile({ name: 'com.example.team', schema: userSchema }),
    });
    const result = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
      env,
    });
    expect(result).toEqual({
      code: 1,
      stdout: [
        `FAIL login.yaml (not compared with ${url})`,
        `    login.yaml:${lineOf(
          text,
          '"$ref"',
        )}: the reference to version 1 of 'com.example.team' is not registered yet: register 'com.example.team' first (the registry resolves references from what it stores, not from files)`,
        `OK   team.yaml (new since ${url})`,
        '2 event type files checked: 1 with problems',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('reports a reference that neither a file nor the registry resolves', async () => {
    const dir = await makeFiles({
      'login.yaml': typeFile({
        name: 'com.example.login',
        schema: referrerSchema({ to: 'com.example.user', version: 5 }),
      }),
    });
    const result = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `the reference to version 5 of 'com.example.user' cannot be resolved: no event type file among the checked files defines 'com.example.user'; ${url} has no such version either; add the file that defines it to the paths, or register that version first`,
    );
  });

  it('exits 2 when the registry refuses the token, or there is none', async () => {
    const dir = await makeFiles({ 'playback.yaml': playbackFile() });
    const wrong = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
      env: { EVENT_SCHEMAS_TOKEN: 'not-the-token' },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /^event-schemas: --registry: http:\/\/localhost:\d+ refused the request \(401\): EVENT_SCHEMAS_TOKEN is not accepted there/,
    );
    const none = await runCli(['check', '--registry', url, '.'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /refused the request \(401\): set EVENT_SCHEMAS_TOKEN to a token the registry accepts/,
    );
  });

  it('exits 2 when the registry cannot be reached', async () => {
    const dir = await makeFiles({ 'playback.yaml': playbackFile() });
    // A port that was free a moment ago.
    const server = createServer();
    await new Promise<void>(resolve => server.listen(0, resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise(resolve => server.close(resolve));
    const result = await runCli(
      ['check', '--registry', `http://localhost:${port}`, '.'],
      { cwd: dir, env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^event-schemas: --registry: cannot reach http://localhost:${port}: .*ECONNREFUSED`,
      ),
    );
  });
});

describe('event-schemas check --registry, answers the registry may give', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: unknown };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>(resolve => server.listen(0, resolve));
    url = `http://localhost:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    // fetch keeps connections alive, which close alone waits for.
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  it("says who each breaking change breaks, from the answer's impact section", async () => {
    const narrowed = {
      field: 'position_ms',
      rule: 'type',
      message: '/properties/position_ms: type narrowed',
    };
    const removed = {
      field: 'shuffle',
      rule: 'property-removed',
      message: '/properties/shuffle: property removed',
    };
    const charts = {
      entityRef: 'component:default/charts',
      owner: 'group:default/insights',
    };
    const impact: CompatibilityImpact = {
      consumers: [charts, { entityRef: 'component:default/ads' }],
      problems: [
        { ...narrowed, consumers: [charts] },
        { ...removed, consumers: [] },
      ],
      affectingNobody: [removed],
    };
    answer = {
      status: 200,
      body: {
        compatible: false,
        messages: [narrowed.message, removed.message],
        impact,
      },
    };
    const dir = await makeFiles({ 'playback.yaml': playbackFile() });
    const result = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      [
        '    breaks component:default/charts (owner group:default/insights): /properties/position_ms: type narrowed',
        '    affects none of the 2 consumers in the catalog: /properties/shuffle: property removed',
        '',
      ].join('\n'),
    );
    const json = await runCli(['check', '--json', '--registry', url, '.'], {
      cwd: dir,
    });
    expect(JSON.parse(json.stdout).files[0].comparison).toEqual({
      against: url,
      status: 'incompatible',
      impact,
    });
  });

  it('reports a schema the registry refuses as a problem of the file', async () => {
    answer = {
      status: 400,
      body: {
        error: { name: 'InputError', message: 'Invalid schema: too large' },
      },
    };
    const text = playbackFile();
    const line = text.split('\n').indexOf('schema: {') + 1;
    const dir = await makeFiles({ 'playback.yaml': text });
    const result = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `playback.yaml:${line}: the registry refuses the schema: Invalid schema: too large`,
    );
  });

  it('exits 2 for an answer that is not the registry’s', async () => {
    const dir = await makeFiles({ 'playback.yaml': playbackFile() });
    answer = { status: 404, body: 'Not Found' };
    const notFound = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
    });
    expect(notFound.code).toBe(2);
    expect(notFound.stderr).toMatch(/answered 404/);
    answer = { status: 200, body: { hello: 'world' } };
    const other = await runCli(['check', '--registry', url, '.'], {
      cwd: dir,
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /did not answer as the event-schemas registry does/,
    );
    answer = { status: 503, body: {} };
    const down = await runCli(['check', '--registry', url, '.'], { cwd: dir });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/answered 503/);
  });
});
