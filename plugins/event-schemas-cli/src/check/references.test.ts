import { makeFiles, runCli } from '../__testUtils__/runCli';
import {
  lineOf,
  referrerSchema,
  refTo,
  typeFile,
  userSchema,
} from '../__testUtils__/references';

const personal = [
  'personalDataFields: [user.user_id]',
  'dataSubject: user.user_id',
];

describe('event-schemas check, references between files', () => {
  it('resolves a reference from the file that defines the type, whatever version it names, and validates the resolved schema', async () => {
    const dir = await makeFiles({
      'user.yaml': typeFile({ name: 'com.example.user', schema: userSchema }),
      // The personal data fields are in the referenced schema only.
      'login.yaml': typeFile({
        name: 'com.example.login',
        schema: referrerSchema({ to: 'com.example.user', version: 7 }),
        extra: personal,
      }),
    });
    const result = await runCli(['check', '.'], { cwd: dir });
    expect(result).toEqual({
      code: 0,
      stdout: [
        'OK   login.yaml',
        'OK   user.yaml',
        '2 event type files checked: all OK',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('holds the personal data rules to the resolved schema', async () => {
    const text = typeFile({
      name: 'com.example.login',
      schema: referrerSchema({ to: 'com.example.user' }),
      extra: ['personalDataFields: [user.email]', 'dataSubject: user.user_id'],
    });
    const dir = await makeFiles({
      'user.yaml': typeFile({ name: 'com.example.user', schema: userSchema }),
      'login.yaml': text,
    });
    const result = await runCli(['check', '--json', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    const [login] = JSON.parse(result.stdout).files;
    expect(login.problems).toEqual([
      expect.objectContaining({
        file: 'login.yaml',
        line: lineOf(text, 'personalDataFields'),
        message: expect.stringContaining("'user.email'"),
        title: 'Personal data',
      }),
    ]);
  });

  it('reports a reference no file resolves at its $ref, saying what to do', async () => {
    const text = typeFile({
      name: 'com.example.login',
      schema: referrerSchema({ to: 'com.example.user', version: 2 }),
    });
    const dir = await makeFiles({ 'login.yaml': text });
    const line = lineOf(text, '"$ref"');
    const message =
      "the reference to version 2 of 'com.example.user' cannot be resolved: no event type file among the checked files defines 'com.example.user'; add the file that defines it to the paths, or pass --registry <url> to read its registered version";
    const result = await runCli(['check', '.'], {
      cwd: dir,
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(result).toEqual({
      code: 1,
      stdout: [
        'FAIL login.yaml',
        `    login.yaml:${line}: ${message}`,
        '1 event type file checked: 1 with problems',
        `::error file=login.yaml,line=${line},title=Unresolved reference::${message}`,
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('finds a reference further down the chain, and one in a schema file', async () => {
    const dir = await makeFiles({
      'session.yaml': typeFile({
        name: 'com.example.session',
        schema: {
          type: 'object',
          properties: { user: { $ref: refTo('com.example.user') } },
        },
      }),
      'login.yaml': [
        'name: com.example.login',
        'owner: group:default/playback',
        'format: jsonschema',
        'schemaFile: login.schema.json',
        '',
      ].join('\n'),
      'login.schema.json': JSON.stringify(
        referrerSchema({ to: 'com.example.session' }),
        null,
        2,
      ),
    });
    const result = await runCli(['check', '--json', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    const [login, session] = JSON.parse(result.stdout).files;
    // The missing type is named by session.yaml, which login.yaml references.
    expect(login.problems).toEqual([
      expect.objectContaining({
        file: 'login.yaml',
        line: 4,
        pointer: '/schemaFile',
        message: expect.stringMatching(
          /^the reference to version 1 of 'com\.example\.user' cannot be resolved/,
        ),
      }),
    ]);
    expect(session.problems).toEqual([
      expect.objectContaining({
        file: 'session.yaml',
        pointer: '/schema/properties/user/$ref',
        title: 'Unresolved reference',
      }),
    ]);
    // A reference written in the schema file is found there.
    const schemaText = JSON.stringify(
      referrerSchema({ to: 'com.example.session' }),
      null,
      2,
    );
    const alone = await makeFiles({
      'login.yaml': [
        'name: com.example.login',
        'owner: group:default/playback',
        'format: jsonschema',
        'schemaFile: login.schema.json',
        '',
      ].join('\n'),
      'login.schema.json': schemaText,
    });
    const direct = await runCli(['check', '--json', '.'], { cwd: alone });
    expect(JSON.parse(direct.stdout).files[0].problems[0]).toMatchObject({
      file: 'login.schema.json',
      line: lineOf(schemaText, '"$ref"'),
      pointer: '/properties/user/$ref',
    });
  });

  it('reports a cycle between two files on each of them', async () => {
    const dir = await makeFiles({
      'a.yaml': typeFile({
        name: 'com.example.a',
        schema: {
          type: 'object',
          properties: { b: { $ref: refTo('com.example.b') } },
        },
      }),
      'b.yaml': typeFile({
        name: 'com.example.b',
        schema: {
          type: 'object',
          properties: { a: { $ref: refTo('com.example.a', 3) } },
        },
      }),
    });
    const result = await runCli(['check', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'a.yaml:4: /schema: its references cannot be resolved: References form a cycle: com.example.b@1 -> com.example.a@3 -> com.example.b@1',
    );
    expect(result.stdout).toContain(
      'b.yaml:4: /schema: its references cannot be resolved: References form a cycle: com.example.a@3 -> com.example.b@1 -> com.example.a@3',
    );
  });
});

describe('event-schemas compat, references', () => {
  it('exits 2 for a schema with references: check resolves them', async () => {
    const dir = await makeFiles({
      'v1.json': JSON.stringify(userSchema),
      'v2.json': JSON.stringify(referrerSchema({ to: 'com.example.user' })),
    });
    const result = await runCli(
      ['compat', '--format', 'jsonschema', 'v1.json', 'v2.json'],
      { cwd: dir },
    );
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "event-schemas: v2.json: references version 1 of 'com.example.user'; compat takes self-contained schemas: check the event type files with `event-schemas check`, which resolves references\n",
    });
  });
});
