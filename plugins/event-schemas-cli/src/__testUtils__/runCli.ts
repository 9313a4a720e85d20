import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';

/** Runs the CLI in process, as the binary would, with its output captured. */
export async function runCli(
  argv: string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    fetch?: typeof fetch;
  },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    context: {
      cwd: options.cwd,
      env: options.env ?? {},
      stdout: text => {
        stdout += text;
      },
      stderr: text => {
        stderr += text;
      },
      fetch: options.fetch ?? globalThis.fetch,
    },
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory with these files (paths relative to it). */
export async function makeFiles(
  files: Record<string, string>,
): Promise<string> {
  const dir = await fs.realpath(
    await fs.mkdtemp(join(tmpdir(), 'event-schemas-cli-')),
  );
  await writeFiles(dir, files);
  return dir;
}

export async function writeFiles(
  dir: string,
  files: Record<string, string>,
): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await fs.mkdir(join(dir, path, '..'), { recursive: true });
    await fs.writeFile(join(dir, path), text);
  }
}

export const playbackSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['user_id', 'track_id'],
  properties: {
    user_id: { type: 'string' },
    track_id: { type: 'string' },
    position_ms: { type: 'number' },
  },
};

/** An event type file in YAML, with the schema inline. */
export function playbackFile(
  options: {
    name?: string;
    compatibility?: string;
    schema?: unknown;
    extra?: string;
  } = {},
): string {
  return [
    `name: ${options.name ?? 'com.example.playback.started'}`,
    'owner: group:default/playback',
    'format: jsonschema',
    ...(options.compatibility
      ? [`compatibility: ${options.compatibility}`]
      : []),
    'personalDataFields: [user_id]',
    'dataSubject: user_id',
    ...(options.extra ? [options.extra] : []),
    `schema: ${JSON.stringify(options.schema ?? playbackSchema, null, 2)}`,
    '',
  ].join('\n');
}
