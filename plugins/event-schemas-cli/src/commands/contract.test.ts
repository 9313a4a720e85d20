import { parse as parseYaml } from 'yaml';
import {
  makeFiles,
  playbackSchema,
  runCli,
  writeFiles,
} from '../__testUtils__/runCli';

const typeFile = [
  'name: com.example.playback.started',
  'title: Playback started',
  'owner: group:default/playback',
  'lifecycle: production',
  'format: jsonschema',
  'sla: { maxLateness: PT2H }',
  'retention: { raw: P7D, delivered: P400D }',
  'personalDataFields: [user_id]',
  'dataSubject: user_id',
  'schemaFile: playback.schema.json',
  '',
].join('\n');

describe('event-schemas contract', () => {
  it('prints the ODCS contract of a file, its schema file read beside it', async () => {
    const dir = await makeFiles({
      'event-types/playback.yaml': typeFile,
      'event-types/playback.schema.json': JSON.stringify(playbackSchema),
    });
    const { code, stdout } = await runCli(
      ['contract', 'event-types/playback.yaml', '--schema-version', '3'],
      { cwd: dir },
    );
    expect(code).toBe(0);
    const contract = parseYaml(stdout);
    expect(contract).toMatchObject({
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: 'com.example.playback.started',
      version: '3',
      status: 'active',
      team: { name: 'group:default/playback' },
    });
    expect(contract.schema[0].properties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'user_id',
          required: true,
          classification: 'personal-data',
        }),
        expect.objectContaining({ name: 'position_ms', logicalType: 'number' }),
      ]),
    );
    expect(contract.slaProperties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ property: 'latency', value: 2, unit: 'h' }),
      ]),
    );
  });

  it('refuses an invalid file or schema with exit 1, and bad usage with 2', async () => {
    const dir = await makeFiles({
      'bad.yaml': 'name: a.b\nowner: playback\n',
      'badschema.yaml':
        'name: a.b\nowner: playback\nformat: avro\nschema: { type: nope }\n',
    });
    const bad = await runCli(['contract', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+: .*format/);
    const badSchema = await runCli(['contract', 'badschema.yaml'], {
      cwd: dir,
    });
    expect(badSchema.code).toBe(1);
    expect(badSchema.stderr).toMatch(/badschema\.yaml: schema: /);
    expect(
      (
        await runCli(['contract', 'bad.yaml', '--schema-version', '0'], {
          cwd: dir,
        })
      ).code,
    ).toBe(2);
    expect((await runCli(['contract', 'gone.yaml'], { cwd: dir })).code).toBe(
      2,
    );
  });
});

describe('event-schemas from-contract', () => {
  it('turns a contract back into an event type file that check accepts', async () => {
    const dir = await makeFiles({
      'playback.yaml': typeFile,
      'playback.schema.json': JSON.stringify(playbackSchema),
    });
    const contract = await runCli(['contract', 'playback.yaml'], { cwd: dir });
    await writeFiles(dir, { 'contract.odcs.yaml': contract.stdout });

    const { code, stdout } = await runCli(
      ['from-contract', 'contract.odcs.yaml'],
      { cwd: dir },
    );
    expect(code).toBe(0);
    const file = parseYaml(stdout);
    expect(file).toMatchObject({
      name: 'com.example.playback.started',
      owner: 'group:default/playback',
      format: 'jsonschema',
      lifecycle: 'production',
      personalDataFields: ['user_id'],
      dataSubject: 'user_id',
      sla: { maxLateness: 'PT2H' },
    });
    expect(Object.keys(file.schema.properties).sort()).toEqual([
      'position_ms',
      'track_id',
      'user_id',
    ]);

    await writeFiles(dir, { 'imported/playback.yaml': stdout });
    const check = await runCli(['check', 'imported'], { cwd: dir });
    expect(check.stdout).toMatch(/^OK /m);
    expect(check.code).toBe(0);
  });

  it('says why a contract cannot be an event type (exit 1)', async () => {
    const dir = await makeFiles({
      'c.yaml': 'apiVersion: v3.1.0\nkind: DataProduct\n',
      'broken.yaml': 'kind: [unclosed',
    });
    const wrongKind = await runCli(['from-contract', 'c.yaml'], { cwd: dir });
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr).toMatch(/kind must be DataContract/);
    const broken = await runCli(['from-contract', 'broken.yaml'], {
      cwd: dir,
    });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not YAML or JSON/);
  });

  it('registers through the registry with --registry, with the token', async () => {
    const dir = await makeFiles({
      'playback.yaml': typeFile,
      'playback.schema.json': JSON.stringify(playbackSchema),
    });
    const contract = await runCli(['contract', 'playback.yaml'], { cwd: dir });
    await writeFiles(dir, { 'c.yaml': contract.stdout });
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const answer = (status: number, body: object) =>
      (async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return new Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json' },
        });
      }) as unknown as typeof fetch;

    const registered = await runCli(
      ['from-contract', 'c.yaml', '--registry', 'http://registry.test/'],
      {
        cwd: dir,
        env: { EVENT_SCHEMAS_TOKEN: 'secret' },
        fetch: answer(201, {
          name: 'com.example.playback.started',
          version: 1,
        }),
      },
    );
    expect(registered.code).toBe(0);
    expect(registered.stdout).toMatch(
      /^Registered com.example.playback.started \(version 1\)/,
    );
    expect(calls[0].url).toBe(
      'http://registry.test/api/event-schemas/contracts',
    );
    expect(calls[0].init.headers).toMatchObject({
      'content-type': 'application/yaml',
      authorization: 'Bearer secret',
    });
    expect(calls[0].init.body).toBe(contract.stdout);

    const refused = await runCli(
      ['from-contract', 'c.yaml', '--registry', 'http://registry.test'],
      {
        cwd: dir,
        fetch: answer(409, {
          error: {
            message: "Event type 'com.example.playback.started' exists",
          },
        }),
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused \(409\): Event type .* exists/);

    const unreachable = await runCli(
      ['from-contract', 'c.yaml', '--registry', 'http://127.0.0.1:9'],
      { cwd: dir },
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/cannot reach/);
  });
});
