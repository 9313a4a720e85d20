// Starts the delivery pipeline's worker threads from a build of the plugin
// (no TypeScript transform), as a backend running that build would: the
// deduper's file workers and the local transport's worker, each doing one
// piece of work and then closed. Used by the production test (the built
// backend in dist/production) and the new-app test (the package installed
// from its tarball).
import { spawnSync } from 'node:child_process';

// Run with the plugin's dist folder and a scratch folder as arguments.
const check = `
const { basename, join } = require('node:path');
const { gzipSync } = require('node:zlib');
const [pipeline, scratch] = process.argv.slice(1);
const { FileWorkers } = require(pipeline + '/dedupe/fileWorkers.cjs.js');
const { dedupeWorkerFile } = require(pipeline + '/dedupe/dedupeWorker.cjs.js');
const { LocalTransportWorkerClient } = require(pipeline + '/transport/LocalTransportWorkerClient.cjs.js');
const { localTransportWorkerFile } = require(pipeline + '/transport/localTransportWorker.cjs.js');
(async () => {
  const workers = new FileWorkers(1);
  const scanned = await workers.run({ type: 'scan', compressed: gzipSync(Buffer.alloc(0)) });
  await workers.close();
  const { worker } = await LocalTransportWorkerClient.start(join(scratch, 'transport.sqlite'));
  await worker.close();
  console.log(JSON.stringify({
    dedupeWorkerFile: basename(dedupeWorkerFile),
    scannedInWorker: scanned.worker + 1,
    localTransportWorkerFile: basename(localTransportWorkerFile),
    localTransportStarted: true,
  }));
})().catch(error => { console.error(error); process.exit(1); });
`;

/** What a successful check prints. */
export const builtWorkersStarted = {
  dedupeWorkerFile: 'dedupeWorker.cjs.js',
  scannedInWorker: 1,
  localTransportWorkerFile: 'localTransportWorker.cjs.js',
  localTransportStarted: true,
};

/**
 * Runs the check in `cwd` (whose node_modules resolve the plugin's
 * dependencies) against `pipelineDist`, the plugin's dist folder (absolute
 * or relative to `cwd`, starting with `./`). Returns `{ status, output,
 * result }`, `result` being the parsed line it printed.
 */
export function checkBuiltWorkers({ cwd, pipelineDist, scratch, env }) {
  const run = spawnSync(
    process.execPath,
    ['--input-type=commonjs', '-e', check, pipelineDist, scratch],
    { cwd, env, encoding: 'utf8', timeout: 60_000 },
  );
  let result;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    result = undefined;
  }
  return { status: run.status, output: run.stderr + run.stdout, result };
}
