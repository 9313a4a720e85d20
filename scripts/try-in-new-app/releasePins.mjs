// Keeps the new app on the Backstage release it was made for.
//
// create-app fetches a seed yarn.lock from GitHub that holds every package
// at the version of the release; where GitHub cannot be reached (here, and
// behind many corporate proxies) it warns and goes on, and Yarn then takes
// the newest version in each range. The registry has Backstage packages
// newer than the release, which do not start together: a 1.55.0 app then
// gets @backstage/plugin-signals-backend 0.3.21 beside backend-defaults
// 0.18.0, and its backend fails with `httpRouter.addWebSocketHandler is not
// a function`, suite or no suite.
//
// In its place, root `resolutions` pin each @backstage package to the
// release's version: the ones the app lists at the version create-app wrote
// (its ranges are `^<release version>`), and the others at the one version
// this repository's yarn.lock has (the same release), where it has one.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORKSPACES = ['.', 'packages/app', 'packages/backend'];

/** `@backstage/*` packages at their only version in a yarn.lock. */
export function lockedBackstageVersions(lockText) {
  const versions = new Map();
  const entry = /^"?(@backstage\/[^@"]+)@[^\n]*:\n {2}version: ([^\n]+)$/gm;
  for (const [, name, version] of lockText.matchAll(entry)) {
    const set = versions.get(name) ?? new Set();
    set.add(version.trim());
    versions.set(name, set);
  }
  return new Map(
    [...versions]
      .filter(([, set]) => set.size === 1)
      .map(([name, set]) => [name, [...set][0]]),
  );
}

/** Adds the pins to the app's root package.json; returns how many. */
export function pinBackstageRelease(appDir, repoRoot) {
  const pins = lockedBackstageVersions(
    readFileSync(join(repoRoot, 'yarn.lock'), 'utf8'),
  );
  for (const workspace of WORKSPACES) {
    const manifest = JSON.parse(
      readFileSync(join(appDir, workspace, 'package.json'), 'utf8'),
    );
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        const exact = /^\^(\d+\.\d+\.\d+)$/.exec(range);
        if (name.startsWith('@backstage/') && exact) pins.set(name, exact[1]);
      }
    }
  }
  const file = join(appDir, 'package.json');
  const root = JSON.parse(readFileSync(file, 'utf8'));
  root.resolutions = { ...root.resolutions };
  for (const [name, version] of [...pins].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    root.resolutions[name] ??= version;
  }
  writeFileSync(file, `${JSON.stringify(root, null, 2)}\n`);
  return pins.size;
}
