// The README reader of scripts/try-in-new-app.sh, on this repo's READMEs and
// on a backend like the one create-app makes. Run first by the script:
//   node --test scripts/try-in-new-app/installSteps.test.mjs
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import {
  applyBackendSteps,
  codeBlocks,
  mergeConfig,
  normalize,
  parseBackendCode,
  readInstallSteps,
} from './installSteps.mjs';

const repoRoot = new URL('../..', import.meta.url).pathname;

// The parts of create-app 0.9.2's packages/backend/src/index.ts that matter.
const newAppBackend = `import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// See https://backstage.io/docs/permissions/getting-started for how to create your own permission policy
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.start();
`;

function appWith(index) {
  const dir = mkdtempSync(join(tmpdir(), 'install-steps-'));
  mkdirSync(join(dir, 'packages/backend/src'), { recursive: true });
  writeFileSync(join(dir, 'packages/backend/src/index.ts'), index);
  return dir;
}

test('code blocks keep their language and lines', () => {
  const blocks = codeBlocks(
    'text\n\n```sh\n# a comment\nyarn --cwd packages/app add x\n```\n\n```yaml\n# app-config.yaml\na: 1\n```\n',
  );
  assert.deepEqual(blocks, [
    { lang: 'sh', lines: ['# a comment', 'yarn --cwd packages/app add x'] },
    { lang: 'yaml', lines: ['# app-config.yaml', 'a: 1'] },
  ]);
});

test('backend code: imports across lines, backend.add with its comments, nothing else', () => {
  const code = parseBackendCode(
    [
      'import {',
      '  a,',
      '  b,',
      "} from '@x/y';",
      '',
      '// Why this one.',
      'backend.add(',
      "  create({ fallback: { handle: async () => ({ result: 'ALLOW' }) } }),",
      ');',
    ],
    'test',
  );
  assert.deepEqual(code.imports, ["import {\n  a,\n  b,\n} from '@x/y';"]);
  assert.equal(code.statements.length, 1);
  assert.deepEqual(code.statements[0].comments, ['// Why this one.']);
  assert.throws(
    () => parseBackendCode(['const x = 1;'], 'README.md'),
    /README.md: a line that is neither an import nor backend.add/,
  );
});

test('the same statement whatever its line breaks and trailing commas', () => {
  assert.equal(
    normalize("backend.add(\n  import('@x/y'),\n);"),
    normalize("backend.add(import('@x/y'));"),
  );
});

test("this repo's READMEs give every step of a new app's install", () => {
  const steps = readInstallSteps(repoRoot);
  const backendPackages = [...steps.dependencies.get('packages/backend')];
  assert.deepEqual(backendPackages.sort(), [
    '@backstage/plugin-events-backend',
    '@backstage/plugin-mcp-actions-backend@0.2.2',
    '@data-collection/plugin-catalog-backend-module-delivery-pipeline',
    '@data-collection/plugin-catalog-backend-module-event-schemas',
    '@data-collection/plugin-delivery-pipeline-backend',
    '@data-collection/plugin-delivery-pipeline-backend-module-demo-traffic',
    '@data-collection/plugin-delivery-pipeline-backend-module-gcp',
    '@data-collection/plugin-event-schemas-backend',
    '@data-collection/plugin-scaffolder-backend-module-event-schemas',
    '@data-collection/plugin-search-backend-module-event-schemas',
  ]);
  assert.deepEqual(
    [...steps.dependencies.get('packages/app')],
    ['@data-collection/plugin-event-schemas'],
  );
  assert.deepEqual(
    steps.removals.map(removal => normalize(removal.code)),
    [
      normalize(
        "backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));",
      ),
    ],
  );
  const config = Object.assign({}, ...steps.config.map(c => c.value));
  assert.equal(config.auth.providers.guest.userEntityRef, 'user:default/guest');
  assert.equal(
    config.backend.auth.externalAccess[0].options.token,
    '${EVENTS_PRODUCER_TOKEN}',
  );
  assert.deepEqual(config.deliveryPipeline.ingest.producers, [
    { subject: 'events-producer', eventTypes: ['com.example.*'] },
  ]);
});

test("the steps applied to a new app's backend: the policy replaced, each plugin added once", () => {
  const dir = appWith(newAppBackend);
  const steps = readInstallSteps(repoRoot);
  applyBackendSteps(dir, steps);
  const index = readFileSync(
    join(dir, 'packages/backend/src/index.ts'),
    'utf8',
  );
  assert.doesNotMatch(index, /allow-all-policy/);
  assert.match(index, /createEventSchemasPolicyModule\(\{/);
  assert.match(
    index,
    /^import \{ AuthorizeResult \} from '@backstage\/plugin-permission-common';$/m,
  );
  for (const plugin of [
    '@backstage/plugin-events-backend',
    '@data-collection/plugin-event-schemas-backend',
    '@data-collection/plugin-delivery-pipeline-backend',
    '@data-collection/plugin-catalog-backend-module-delivery-pipeline',
  ]) {
    const adds = index.split(`import('${plugin}')`).length - 1;
    assert.equal(adds, 1, `${plugin} added once`);
  }
  // Imports before the code, the additions before backend.start().
  assert.ok(index.lastIndexOf('import {') < index.indexOf('createBackend()'));
  assert.ok(
    index.lastIndexOf('backend.add(') < index.indexOf('backend.start()'),
  );
});

test('a README step that removes what a new app does not have fails', () => {
  const dir = appWith(
    newAppBackend.replace(
      /backend\.add\(\n {2}import\('@backstage\/plugin-permission-backend-module-allow-all-policy'\),\n\);\n/,
      '',
    ),
  );
  assert.throws(
    () => applyBackendSteps(dir, readInstallSteps(repoRoot)),
    /does not have: the README's step does not fit a new app/,
  );
});

test('config: maps merged, list items appended once, comments kept', () => {
  const doc = YAML.parseDocument(
    '# the app\nauth:\n  providers:\n    guest: {}\nbackend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: a, subject: b }\n',
  );
  const entry = { type: 'static', options: { token: 'c', subject: 'd' } };
  mergeConfig(doc, {
    auth: { providers: { guest: { userEntityRef: 'user:default/guest' } } },
    backend: { auth: { externalAccess: [entry] } },
  });
  mergeConfig(doc, { backend: { auth: { externalAccess: [entry] } } });
  const merged = doc.toJS();
  assert.deepEqual(merged.auth.providers.guest, {
    userEntityRef: 'user:default/guest',
  });
  assert.equal(merged.backend.auth.externalAccess.length, 2);
  assert.match(doc.toString(), /^# the app/);
});
