import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeFiles, runCli } from './__testUtils__/runCli';

const v1 = JSON.stringify({
  type: 'object',
  properties: { price: { type: 'number' }, note: { type: 'string' } },
});
const v2 = JSON.stringify({
  type: 'object',
  properties: { price: { type: 'number' } },
});
const narrowed = JSON.stringify({
  type: 'object',
  properties: { price: { type: 'integer' } },
});
const avro = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'Play', fields });

describe('event-schemas compat', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeFiles({
      'v1.json': v1,
      'v2.json': v2,
      'narrowed.json': narrowed,
      'invalid.json': '{"type": "object", "properties": {"a": {"type": 7}}}',
      'not-json.json': '{"type": ',
      'v1.avsc': avro([{ name: 'track_id', type: 'string' }]),
      'v2.avsc': avro([
        { name: 'track_id', type: 'string' },
        { name: 'ms_played', type: 'long' },
      ]),
    });
  });

  it('exits 0 when the candidate is compatible', async () => {
    const result = await runCli(
      [
        'compat',
        '--format',
        'jsonschema',
        '--mode',
        'BACKWARD',
        'v1.json',
        'v2.json',
      ],
      { cwd: dir },
    );
    expect(result).toEqual({
      code: 0,
      stdout: 'OK: v2.json is BACKWARD compatible with v1.json\n',
      stderr: '',
    });
  });

  it('exits 1 with each reason on its own line, naming the path and the rule', async () => {
    const result = await runCli(
      [
        'compat',
        '--format',
        'jsonschema',
        '--mode',
        'BACKWARD',
        'v1.json',
        'narrowed.json',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'narrowed.json is not BACKWARD compatible with v1.json:',
        '  /properties/price: type narrowed from number to integer',
        '',
      ].join('\n'),
    );
  });

  it('checks only the last older schema in a non-transitive mode, all of them in a transitive one', async () => {
    // The candidate equals the last older schema but narrows the first one's
    // price: only a transitive mode looks that far back.
    const plain = await runCli(
      [
        'compat',
        '--format',
        'jsonschema',
        '--mode',
        'BACKWARD',
        'narrowed.json',
        'v1.json',
        'narrowed.json',
      ],
      { cwd: dir },
    );
    expect(plain.code).toBe(1);
    const lastOnly = await runCli(
      [
        'compat',
        '--format',
        'jsonschema',
        '--mode',
        'BACKWARD',
        'v1.json',
        'narrowed.json',
        'narrowed.json',
      ],
      { cwd: dir },
    );
    expect(lastOnly.code).toBe(0);
    const transitive = await runCli(
      [
        'compat',
        '--format',
        'jsonschema',
        '--mode',
        'BACKWARD_TRANSITIVE',
        'v1.json',
        'narrowed.json',
        'narrowed.json',
      ],
      { cwd: dir },
    );
    expect(transitive.code).toBe(1);
    expect(transitive.stdout).toContain(
      '  against v1.json: /properties/price: type narrowed from number to integer\n',
    );
  });

  it('defaults to BACKWARD and checks Avro', async () => {
    const result = await runCli(
      ['compat', '--format', 'avro', 'v1.avsc', 'v2.avsc'],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '/fields/ms_played: field added without a default',
    );
    const forward = await runCli(
      ['compat', '--format', 'avro', '--mode', 'FORWARD', 'v1.avsc', 'v2.avsc'],
      { cwd: dir },
    );
    expect(forward.code).toBe(0);
  });

  it('prints JSON with --json', async () => {
    const result = await runCli(
      [
        'compat',
        '--json',
        '--format',
        'jsonschema',
        'v1.json',
        'narrowed.json',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      compatible: false,
      format: 'jsonschema',
      mode: 'BACKWARD',
      candidate: 'narrowed.json',
      older: ['v1.json'],
      messages: ['/properties/price: type narrowed from number to integer'],
    });
  });

  it.each([
    [
      ['compat', '--format', 'jsonschema', 'v1.json'],
      /at least two schema files/,
    ],
    [
      ['compat', '--mode', 'BACKWARD', 'v1.json', 'v2.json'],
      /required option '--format <format>'/,
    ],
    [
      ['compat', '--format', 'xml', 'v1.json', 'v2.json'],
      /Allowed choices are jsonschema, avro/,
    ],
    [
      [
        'compat',
        '--format',
        'jsonschema',
        '--mode',
        'SOMETIMES',
        'v1.json',
        'v2.json',
      ],
      /Allowed choices are NONE, BACKWARD,/,
    ],
    [
      [
        'compat',
        '--format',
        'jsonschema',
        '--frobnicate',
        'v1.json',
        'v2.json',
      ],
      /unknown option '--frobnicate'/,
    ],
    [['compile'], /unknown command 'compile'/],
    [
      ['compat', '--format', 'jsonschema', 'v1.json', 'missing.json'],
      /^event-schemas: missing.json: cannot be read: no such file or directory\n$/,
    ],
    [
      ['compat', '--format', 'jsonschema', 'v1.json', 'invalid.json'],
      /^event-schemas: invalid.json: not a valid jsonschema schema: Invalid JSON Schema/,
    ],
    [
      ['compat', '--format', 'jsonschema', 'not-json.json', 'v1.json'],
      /^event-schemas: not-json.json: not a valid jsonschema schema/,
    ],
    [
      ['compat', '--format', 'avro', 'v1.json', 'v1.avsc'],
      /^event-schemas: v1.json: not a valid avro schema/,
    ],
  ])('exits 2 for bad usage or an invalid schema: %j', async (argv, stderr) => {
    const result = await runCli(argv, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(stderr);
    expect(result.stdout).toBe('');
  });

  it('exits 2 for a file that cannot be read', async () => {
    // A directory: unreadable as a file for any user, root included.
    await fs.mkdir(join(dir, 'folder.json'));
    const result = await runCli(
      ['compat', '--format', 'jsonschema', 'v1.json', 'folder.json'],
      { cwd: dir },
    );
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'event-schemas: folder.json: cannot be read: is a directory\n',
    });
  });

  it('prints an error as JSON too with --json', async () => {
    const result = await runCli(
      ['compat', '--json', '--format', 'jsonschema', 'v1.json', 'invalid.json'],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^invalid.json: not a valid jsonschema schema/,
      ),
    });
  });

  it('answers --help and --version with exit 0', async () => {
    const help = await runCli(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: event-schemas/);
    const version = await runCli(['--version'], { cwd: dir });
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('runs as the real binary, with its exit code', () => {
    const bin = resolve(__dirname, '../bin/event-schemas');
    const result = spawnSync(
      process.execPath,
      [bin, 'compat', '--format', 'jsonschema', 'v1.json', 'narrowed.json'],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      '/properties/price: type narrowed from number to integer',
    );
    expect(result.status).toBe(1);
  });
});
