import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  makeFiles,
  playbackFile,
  playbackSchema,
  runCli,
  writeFiles,
} from '../__testUtils__/runCli';
import {
  lineOf,
  referrerSchema,
  typeFile,
  userSchema,
} from '../__testUtils__/references';

function git(dir: string, ...args: string[]) {
  execFileSync('git', args, {
    cwd: dir,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

const avroSchema = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'Queue', fields }, null, 2);

const queueFile = [
  'name: com.example.queue.added',
  'owner: group:default/playback',
  'format: avro',
  'schemaFile: ../schemas/queue.avsc',
  '',
].join('\n');

describe('event-schemas check --against', () => {
  let repo: string;
  /** Elsewhere: the check runs from outside the repository. */
  let elsewhere: string;

  beforeEach(async () => {
    repo = await makeFiles({
      'event-types/playback.yaml': playbackFile(),
      'event-types/queue.yaml': queueFile,
      'schemas/queue.avsc': avroSchema([{ name: 'track_id', type: 'string' }]),
    });
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'event types');
    git(repo, 'checkout', '--quiet', '-b', 'change');
    elsewhere = await makeFiles({});
  });

  const check = (...args: string[]) =>
    runCli(['check', '--against', 'main', ...args], { cwd: elsewhere });

  it('passes an unchanged file and a compatible change, under the file’s mode', async () => {
    await writeFiles(repo, {
      'event-types/playback.yaml': playbackFile({
        schema: {
          ...playbackSchema,
          properties: {
            ...playbackSchema.properties,
            position_ms: { type: ['number', 'null'] },
          },
        },
      }),
    });
    const result = await check(join(repo, 'event-types'));
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(
      /playback\.yaml \(BACKWARD compatible with main\)$/,
    );
    expect(lines[1]).toMatch(/queue\.yaml \(BACKWARD compatible with main\)$/);
    expect(lines[2]).toBe('2 event type files checked: all OK');
  });

  it('fails an incompatible change, each reason at its line', async () => {
    const schema = {
      ...playbackSchema,
      properties: {
        ...playbackSchema.properties,
        position_ms: { type: 'integer' },
      },
    };
    await writeFiles(repo, {
      'event-types/playback.yaml': playbackFile({ schema }),
    });
    const result = await runCli(
      ['check', '--against', 'main', '--json', join(repo, 'event-types')],
      { cwd: repo },
    );
    expect(result.code).toBe(1);
    const [playback, queue] = JSON.parse(result.stdout).files;
    expect(playback).toEqual({
      path: 'event-types/playback.yaml',
      name: 'com.example.playback.started',
      ok: false,
      problems: [
        {
          file: 'event-types/playback.yaml',
          // The `position_ms` key in the inline schema.
          line:
            playbackFile({ schema })
              .split('\n')
              .findIndex(line => line.includes('"position_ms"')) + 1,
          pointer: '/schema/properties/position_ms',
          message:
            '/properties/position_ms: type narrowed from number to integer (not BACKWARD compatible with main)',
          title: 'Incompatible schema change',
        },
      ],
      warnings: [],
      comparison: { against: 'main', status: 'incompatible', mode: 'BACKWARD' },
    });
    expect(queue.ok).toBe(true);
  });

  it('uses the mode the file declares', async () => {
    // Dropping a field (the schema stays open) is BACKWARD compatible, not
    // FORWARD: old readers expect a number where new data may hold anything.
    const { position_ms: _dropped, ...properties } = playbackSchema.properties;
    const schema = { ...playbackSchema, properties };
    await writeFiles(repo, {
      'event-types/playback.yaml': playbackFile({ schema }),
    });
    expect((await check(join(repo, 'event-types/playback.yaml'))).code).toBe(0);
    await writeFiles(repo, {
      'event-types/playback.yaml': playbackFile({
        compatibility: 'FORWARD',
        schema,
      }),
    });
    const forward = await check(join(repo, 'event-types/playback.yaml'));
    expect(forward.code).toBe(1);
    expect(forward.stdout).toContain('(not FORWARD compatible with main)');
  });

  it('reads a schemaFile at the ref too, and reports its reasons in the schema file', async () => {
    await writeFiles(repo, {
      'schemas/queue.avsc': avroSchema([
        { name: 'track_id', type: 'string' },
        { name: 'position', type: 'int' },
      ]),
    });
    const result = await check(join(repo, 'event-types'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL .*event-types\/queue\.yaml\n {4}.*schemas\/queue\.avsc:9: \/fields\/position: field added without a default, so data written without it cannot be read \(not BACKWARD compatible with main\)\n/,
    );
    // With a default, old data reads: compatible.
    await writeFiles(repo, {
      'schemas/queue.avsc': avroSchema([
        { name: 'track_id', type: 'string' },
        { name: 'position', type: 'int', default: 0 },
      ]),
    });
    expect((await check(join(repo, 'event-types'))).code).toBe(0);
  });

  it('passes a file that is new since the ref, committed or not', async () => {
    await writeFiles(repo, {
      'event-types/search.yaml': playbackFile({ name: 'com.example.search' }),
    });
    const result = await check(join(repo, 'event-types/search.yaml'));
    expect(result).toEqual({
      code: 0,
      stdout: expect.stringMatching(/search\.yaml \(new since main\)\n/),
      stderr: '',
    });
  });

  it('warns, and passes, when the file at the ref is not valid', async () => {
    await writeFiles(repo, {
      'event-types/playback.yaml': `${playbackFile()}versions: []\n`,
    });
    git(repo, 'commit', '--quiet', '-am', 'a broken file');
    await writeFiles(repo, { 'event-types/playback.yaml': playbackFile() });
    const result = await runCli(
      ['check', '--against', 'HEAD', join(repo, 'event-types/playback.yaml')],
      { cwd: elsewhere },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /playback\.yaml:1: not compared with HEAD: the file there is not a valid event type file \(has an unknown field 'versions'\) \(warning\)/,
    );
  });

  it('exits 2 for a ref the repository does not have', async () => {
    const result = await runCli(
      ['check', '--against', 'origin/nope', join(repo, 'event-types')],
      { cwd: elsewhere },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^event-schemas: --against origin\/nope: no such commit, branch or tag in /,
    );
  });

  afterEach(async () => {
    await fs.rm(repo, { recursive: true, force: true });
    await fs.rm(elsewhere, { recursive: true, force: true });
  });
});

describe('event-schemas check --against, references between files', () => {
  let repo: string;

  const loginFile = (
    options: { compatibility?: string; score?: string } = {},
  ) =>
    typeFile({
      name: 'com.example.login',
      compatibility: options.compatibility,
      schema: referrerSchema({
        to: 'com.example.user',
        properties: { score: { type: options.score ?? 'number' } },
      }),
    });
  // Two levels up: a session references the login, which references the user.
  const sessionFile = typeFile({
    name: 'com.example.session',
    schema: referrerSchema({ to: 'com.example.login' }),
  });
  const userFile = (properties: Record<string, unknown>) =>
    typeFile({
      name: 'com.example.user',
      schema: { ...userSchema, properties },
    });

  beforeEach(async () => {
    repo = await makeFiles({
      'user.yaml': userFile(userSchema.properties),
      'login.yaml': loginFile(),
      'session.yaml': sessionFile,
    });
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'event types');
  });

  afterEach(async () => {
    await fs.rm(repo, { recursive: true, force: true });
  });

  const check = async () => {
    const result = await runCli(['check', '--against', 'main', '--json', '.'], {
      cwd: repo,
    });
    const files = JSON.parse(result.stdout).files as Array<{
      path: string;
      ok: boolean;
      problems: Array<{ file: string; line: number; message: string }>;
    }>;
    return {
      code: result.code,
      file: (path: string) => files.find(file => file.path === path)!,
    };
  };

  it('passes files whose references did not change', async () => {
    const result = await runCli(['check', '--against', 'main', '.'], {
      cwd: repo,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 event type files checked: all OK');
  });

  it('reports a breaking change to a referenced file on every file that references it, at any depth', async () => {
    await writeFiles(repo, {
      'user.yaml': userFile({
        ...userSchema.properties,
        age: { type: 'integer' },
      }),
    });
    const { code, file } = await check();
    expect(code).toBe(1);
    expect(file('user.yaml').problems).toEqual([
      expect.objectContaining({
        message:
          '/properties/age: type narrowed from number to integer (not BACKWARD compatible with main)',
      }),
    ]);
    expect(file('login.yaml').problems).toEqual([
      {
        file: 'login.yaml',
        line: lineOf(loginFile(), '"$ref"'),
        pointer: '/schema/properties/user/$ref',
        message: expect.stringMatching(
          /^through reference to 'com\.example\.user': \S*age: type narrowed from number to integer \(not BACKWARD compatible with main\)$/,
        ),
        title: 'Incompatible schema change',
      },
    ]);
    expect(file('session.yaml').problems).toEqual([
      expect.objectContaining({
        file: 'session.yaml',
        line: lineOf(sessionFile, '"$ref"'),
        message: expect.stringMatching(
          /^through reference to 'com\.example\.login' \(which references 'com\.example\.user', changed\): \S*age: type narrowed/,
        ),
      }),
    ]);
  });

  it('judges a referrer under its own mode: a change compatible for the referenced type may break it', async () => {
    await writeFiles(repo, {
      'login.yaml': loginFile({ compatibility: 'FORWARD' }),
    });
    git(repo, 'commit', '--quiet', '-am', 'login is FORWARD');
    // Dropping a field is BACKWARD compatible (the user type's mode), not FORWARD.
    const { age: _dropped, ...properties } = userSchema.properties;
    await writeFiles(repo, { 'user.yaml': userFile(properties) });
    const { code, file } = await check();
    expect(code).toBe(1);
    expect(file('user.yaml').ok).toBe(true);
    expect(file('session.yaml').ok).toBe(true);
    expect(file('login.yaml').problems).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^through reference to 'com\.example\.user': .*\(not FORWARD compatible with main\)$/,
        ),
      }),
    ]);
  });

  it('tells a file’s own breaking change from one through its references', async () => {
    await writeFiles(repo, {
      'login.yaml': loginFile({ score: 'integer' }),
      'user.yaml': userFile({
        ...userSchema.properties,
        age: { type: 'integer' },
      }),
    });
    const { file } = await check();
    const messages = file('login.yaml').problems.map(p => [p.line, p.message]);
    expect(messages).toEqual([
      [
        lineOf(loginFile(), '"score"'),
        '/properties/score: type narrowed from number to integer (not BACKWARD compatible with main)',
      ],
      [
        lineOf(loginFile(), '"$ref"'),
        expect.stringMatching(
          /^through reference to 'com\.example\.user': \S*age: type narrowed/,
        ),
      ],
    ]);
  });

  it('warns, and passes, when the file at the ref cannot be resolved there', async () => {
    await writeFiles(repo, {
      'login.yaml': typeFile({
        name: 'com.example.login',
        schema: referrerSchema({ to: 'com.example.gone' }),
      }),
    });
    git(
      repo,
      'commit',
      '--quiet',
      '-am',
      'login references a type with no file',
    );
    await writeFiles(repo, { 'login.yaml': loginFile() });
    const result = await runCli(['check', '--against', 'HEAD', '.'], {
      cwd: repo,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "login.yaml:1: not compared with HEAD: its schema there cannot be resolved from the files at HEAD: no event type file defines 'com.example.gone' (version 1 is referenced) (warning)",
    );
  });
});
