import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  armFailpointsForTest,
  failpoint,
  failpointsFromEnv,
  parseFailpoints,
} from './failpoints';

describe('parseFailpoints', () => {
  it('reads names, the action and the hit (default the first)', () => {
    expect(
      parseFailpoints(
        'consumer.after-record=crash, dedupe.mid-delivery=crash@3',
      ),
    ).toEqual(
      new Map([
        ['consumer.after-record', { action: 'crash', hit: 1 }],
        ['dedupe.mid-delivery', { action: 'crash', hit: 3 }],
      ]),
    );
  });

  it('arms nothing for an empty or blank value', () => {
    expect(parseFailpoints('')).toEqual(new Map());
    expect(parseFailpoints(' , ')).toEqual(new Map());
  });

  it.each([
    ['consumer.after-record'],
    ['consumer.after-record=explode'],
    ['consumer.after-record=crash@0'],
    ['consumer.after-record=crash@two'],
    ['Consumer.After=crash'],
    ['consumer=crash'],
    ['consumer.after record=crash'],
    ['consumer..after=crash'],
  ])('refuses %s', spec => {
    expect(() => parseFailpoints(spec)).toThrow(/DELIVERY_PIPELINE_FAILPOINTS/);
  });

  it('refuses a name armed twice', () => {
    expect(() =>
      parseFailpoints(
        'consumer.after-record=crash,consumer.after-record=crash@2',
      ),
    ).toThrow(/armed twice/);
  });
});

describe('failpointsFromEnv', () => {
  it('is undefined, so failpoint() returns at once, without the variable', () => {
    expect(failpointsFromEnv({})).toBeUndefined();
    expect(
      failpointsFromEnv({ DELIVERY_PIPELINE_FAILPOINTS: '  ' }),
    ).toBeUndefined();
  });

  it('refuses to arm anything in production', () => {
    expect(() =>
      failpointsFromEnv({
        NODE_ENV: 'production',
        DELIVERY_PIPELINE_FAILPOINTS: 'consumer.after-record=crash',
      }),
    ).toThrow(/refused with NODE_ENV=production/);
  });
});

describe('failpoint', () => {
  it('is inert when nothing is armed', () => {
    const restore = armFailpointsForTest(undefined);
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      failpoint('consumer.after-record');
      failpoint('dedupe.mid-delivery');
      expect(kill).not.toHaveBeenCalled();
    } finally {
      kill.mockRestore();
      restore();
    }
  });

  it('fires only the armed name, on the armed hit, once', () => {
    const fired: string[] = [];
    const restore = armFailpointsForTest('dedupe.mid-delivery=crash@3', name =>
      fired.push(name),
    );
    try {
      failpoint('consumer.after-record');
      failpoint('dedupe.mid-delivery');
      failpoint('dedupe.mid-delivery');
      expect(fired).toEqual([]);
      failpoint('dedupe.mid-delivery');
      expect(fired).toEqual(['dedupe.mid-delivery']);
      failpoint('dedupe.mid-delivery');
      expect(fired).toEqual(['dedupe.mid-delivery']);
    } finally {
      restore();
    }
  });

  it('logs its name and SIGKILLs its process, from a worker thread too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failpoints-'));
    const log = join(dir, 'fired.log');
    const moduleFile = resolve(__dirname, 'failpoints.ts');
    // A worker thread reaches the failpoint twice; the second hit kills the
    // whole process, main thread included, before it prints anything.
    const script = `
      const { Worker } = require('node:worker_threads');
      const worker = new Worker(
        ${JSON.stringify(
          `const { failpoint } = require(${JSON.stringify(moduleFile)});
           failpoint('test.in-worker');
           failpoint('test.other');
           failpoint('test.in-worker');`,
        )},
        { eval: true },
      );
      worker.once('exit', () => console.log('survived'));
    `;
    try {
      const child = spawn(
        process.execPath,
        ['--require', '@backstage/cli/config/nodeTransform.cjs', '-e', script],
        {
          cwd: resolve(__dirname, '../../..'),
          env: {
            ...process.env,
            NODE_ENV: 'test',
            DELIVERY_PIPELINE_FAILPOINTS: 'test.in-worker=crash@2',
            DELIVERY_PIPELINE_FAILPOINTS_LOG: log,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', chunk => {
        output += chunk;
      });
      child.stderr.on('data', chunk => {
        output += chunk;
      });
      const [code, signal] = await new Promise<[number | null, string | null]>(
        done => child.once('exit', (c, s) => done([c, s])),
      );
      expect({ code, signal, output }).toEqual({
        code: null,
        signal: 'SIGKILL',
        output: '',
      });
      expect(readFileSync(log, 'utf8')).toBe('test.in-worker\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
