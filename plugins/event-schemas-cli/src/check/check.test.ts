import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  makeFiles,
  playbackFile,
  playbackSchema,
  runCli,
} from '../__testUtils__/runCli';

describe('event-schemas check', () => {
  it('finds every event type file under the paths and says OK for each', async () => {
    const dir = await makeFiles({
      'types/playback.yaml': playbackFile(),
      'types/nested/search.yml': playbackFile({ name: 'com.example.search' }),
      'types/queue.json': JSON.stringify({
        name: 'com.example.queue',
        owner: 'group:default/playback',
        format: 'avro',
        schemaFile: 'schemas/queue.avsc',
      }),
      // A schema file named by another file, in JSON: not an event type file.
      'types/schemas/queue.avsc': JSON.stringify({
        type: 'record',
        name: 'Queue',
        fields: [{ name: 'track_id', type: 'string' }],
      }),
      'types/skip.yaml': playbackFile({ name: 'com.example.skip' }).replace(
        /schema: [\s\S]*/,
        'schemaFile: skip.schema.json\n',
      ),
      'types/skip.schema.json': JSON.stringify(playbackSchema),
      'types/node_modules/dep/package.json': '{}',
      'types/.hidden/x.yaml': 'not: an event type',
      'types/README.md': '# not an event type',
    });
    const result = await runCli(['check', 'types'], { cwd: dir });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'OK   types/nested/search.yml',
        'OK   types/playback.yaml',
        'OK   types/queue.json',
        'OK   types/skip.yaml',
        '4 event type files checked: all OK',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('reports each problem with its line: the format, the schema, personal data, duplicate names', async () => {
    const dir = await makeFiles({
      'a-unknown-field.json': `{
  "name": "com.example.a",
  "owner": "group:default/playback",
  "format": "jsonschema",
  "schema": {"type": "object"},
  "versions": []
}
`,
      'b-invalid-schema.yaml': [
        'name: com.example.b',
        'owner: group:default/playback',
        'format: jsonschema',
        'schema:',
        '  type: object',
        '  properties:',
        '    a: { type: nope }',
        '',
      ].join('\n'),
      'c-personal-data.yaml': playbackFile({ name: 'com.example.c' }).replace(
        'dataSubject: user_id',
        'dataSubject: position_ms',
      ),
      'd-duplicate.yaml': playbackFile({ name: 'com.example.c' }),
      'e-not-yaml.yaml': 'name: [unclosed\n',
    });
    const result = await runCli(['check', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toEqual([
      'FAIL a-unknown-field.json',
      "    a-unknown-field.json:6: has an unknown field 'versions'",
      'FAIL b-invalid-schema.yaml',
      expect.stringMatching(
        /^ {4}b-invalid-schema.yaml:4: \/schema: not a valid jsonschema schema: Invalid JSON Schema/,
      ),
      'FAIL c-personal-data.yaml',
      expect.stringMatching(
        /^ {4}c-personal-data.yaml:5: dataSubject: 'position_ms' is of type number, not a string/,
      ),
      'FAIL d-duplicate.yaml',
      "    d-duplicate.yaml:1: /name 'com.example.c' is also declared by c-personal-data.yaml: each event type has one file",
      'FAIL e-not-yaml.yaml',
      expect.stringMatching(
        /^ {4}e-not-yaml.yaml:1: is not valid YAML or JSON/,
      ),
      '5 event type files checked: 5 with problems',
      '',
    ]);
  });

  it('prints every file with its problems as JSON with --json', async () => {
    const dir = await makeFiles({
      'ok.yaml': playbackFile(),
      'bad.yaml': playbackFile({ name: 'com.example.bad' }).replace(
        'personalDataFields: [user_id]',
        'personalDataFields: [email]',
      ),
    });
    const result = await runCli(['check', '--json', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      files: [
        {
          path: 'bad.yaml',
          name: 'com.example.bad',
          ok: false,
          problems: [
            {
              file: 'bad.yaml',
              line: 4,
              pointer: '/personalDataFields',
              message: expect.stringMatching(
                /^personalDataFields: 'email' is not a field of the schema/,
              ),
              title: 'Personal data',
            },
          ],
          warnings: [],
        },
        {
          path: 'ok.yaml',
          name: 'com.example.playback.started',
          ok: true,
          problems: [],
          warnings: [],
        },
      ],
    });
  });

  it('prints GitHub annotations in GitHub Actions, paths relative to the workspace', async () => {
    const dir = await makeFiles({
      'types/bad.yaml': playbackFile().replace(
        'dataSubject: user_id',
        'dataSubject: user_id\nretention: { raw: 7 days }',
      ),
    });
    const result = await runCli(['check', '.'], {
      cwd: join(dir, 'types'),
      env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '::error file=types/bad.yaml,line=6,title=Invalid event type file::/retention/raw must match pattern "^P',
    );
    const json = await runCli(['check', '--json', '.'], {
      cwd: join(dir, 'types'),
      env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir },
    });
    expect(JSON.parse(json.stdout).ok).toBe(false);
    expect(json.stderr).toMatch(/^::error file=types\/bad.yaml,line=6,/);
  });

  it('checks the files of examples/event-types as they are', async () => {
    const examples = join(__dirname, '../../../../examples/event-types');
    const result = await runCli(['check', '--json', examples], {
      cwd: __dirname,
    });
    const outcome = JSON.parse(result.stdout);
    expect(outcome.files.length).toBeGreaterThan(0);
    // Every file passes but for the problems the format names.
    for (const file of outcome.files) {
      for (const problem of file.problems) {
        expect(problem.title).toBe('Invalid event type file');
      }
    }
    expect(result.code).toBe(outcome.ok ? 0 : 1);
  });

  it.each([
    [['check'], /missing required argument 'paths'/],
    [
      ['check', 'nowhere'],
      /^event-schemas: nowhere: no such file or directory\n$/,
    ],
    [
      ['check', 'empty'],
      /^event-schemas: no event type files \(.yaml, .yml, .json\) under empty\n$/,
    ],
    [['check', 'schema.avsc'], /schema.avsc: not an event type file/],
    [
      ['check', '--against', 'main', '--registry', 'http://localhost', '.'],
      /--against or --registry, not both/,
    ],
    [
      ['check', '--registry', 'not a url', '.'],
      /--registry not a url: not a URL/,
    ],
    [['check', '--against', 'main', '.'], /is not inside a git repository/],
  ])('exits 2 when the check cannot run: %j', async (argv, stderr) => {
    const dir = await makeFiles({
      'ok.yaml': playbackFile(),
      'schema.avsc': '{}',
    });
    await fs.mkdir(join(dir, 'empty'));
    // The temporary directory is in no git repository.
    const result = await runCli(argv, { cwd: dir });
    expect(result.stderr).toMatch(stderr);
    expect(result.code).toBe(2);
  });

  it('exits 2 for a file that cannot be read', async () => {
    const dir = await makeFiles({ 'ok.yaml': playbackFile() });
    await fs.symlink(join(dir, 'gone.yaml'), join(dir, 'broken.yaml'));
    const result = await runCli(['check', 'ok.yaml', 'broken.yaml'], {
      cwd: dir,
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'event-schemas: broken.yaml: no such file or directory\n',
    });
  });
});
