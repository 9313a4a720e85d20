// Checks the packed tarballs and applies the READMEs' install steps to a new
// app (see installSteps.mjs). Run by scripts/try-in-new-app.sh:
//
//   node scripts/try-in-new-app/apply.mjs <app folder>
//
// The tarballs are in <app folder>/tarballs.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  applyBackendSteps,
  applyConfigSteps,
  applyDependencySteps,
  checkFrontendDiscovery,
  checkTarball,
  readInstallSteps,
} from './installSteps.mjs';
import { pinBackstageRelease } from './releasePins.mjs';

const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
const appDir = resolve(process.argv[2] ?? '');
const tarballDir = join(appDir, 'tarballs');

const tarballs = new Map();
const problems = [];
for (const file of readdirSync(tarballDir).filter(f => f.endsWith('.tgz'))) {
  const { manifest, problems: found } = checkTarball(join(tarballDir, file));
  tarballs.set(manifest.name, join(tarballDir, file));
  problems.push(...found.map(problem => `${file}: ${problem}`));
}
if (problems.length > 0) {
  console.error(
    `The packed packages would not install:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `${tarballs.size} tarballs: main, types and exports in dist/, no workspace: ranges, the pipeline's worker files present`,
);

const steps = readInstallSteps(repoRoot);
console.log(`Install steps from ${steps.sources.join(', ')}`);
const print = lines => lines.forEach(line => console.log(`  ${line}`));
console.log('Dependencies:');
print(applyDependencySteps(appDir, steps, tarballs, repoRoot));
console.log('packages/backend/src/index.ts:');
print(applyBackendSteps(appDir, steps));
console.log('app-config.yaml:');
print(applyConfigSteps(appDir, steps));
checkFrontendDiscovery(appDir);
console.log('Frontend: app.packages is all, the app discovers the plugin');

// Not a README step: stands in for create-app's seed yarn.lock (see
// releasePins.mjs).
const pinned = pinBackstageRelease(appDir, repoRoot);
console.log(
  `Pinned ${pinned} @backstage packages to the release's versions (root resolutions), as create-app's seed yarn.lock would`,
);
