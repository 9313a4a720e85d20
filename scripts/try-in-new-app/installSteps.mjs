// The install steps of the suite, read from the packages' READMEs and applied
// to a Backstage app made with `@backstage/create-app`, so that the READMEs
// are the whole install guide: whatever a README's Install section does not
// say is not done here, and the new app's test fails.
//
// A README step is a fenced code block that names what it changes:
//
//   ```sh            yarn --cwd packages/<workspace> add <package>...
//   ```ts            first line `// packages/backend/src/index.ts`: its
//                    imports go to the top of the backend's index.ts, its
//                    `backend.add(...)` statements before `backend.start()`
//   ```diff          first line `--- packages/backend/src/index.ts`: `-`
//                    lines are `backend.add(...)` statements to remove
//                    (formatting aside), `+` lines code as in a ts block
//   ```yaml          first line `# app-config.yaml`: merged into the app's
//                    app-config.yaml (maps merged, list items appended)
//
// Every other block (examples, configuration references, the legacy
// frontend system's routes) is documentation and is left alone.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const BACKEND_INDEX = 'packages/backend/src/index.ts';

/** The fenced code blocks of a markdown text: `{ lang, lines }`. */
export function codeBlocks(markdown) {
  const blocks = [];
  const fence = /^```(\w*)[^\n]*\n([\s\S]*?)^```\s*$/gm;
  for (const match of markdown.matchAll(fence)) {
    blocks.push({
      lang: match[1],
      lines: match[2].replace(/\n$/, '').split('\n'),
    });
  }
  return blocks;
}

/**
 * Splits TypeScript of a README block into import statements and
 * `backend.add(...)` statements, each with the comment lines right above
 * it. Anything else is an error: a README step the applier cannot follow
 * is one an adopter may not follow either.
 */
export function parseBackendCode(lines, where) {
  const imports = [];
  const statements = [];
  let comments = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) {
      comments = [];
      i++;
    } else if (/^\s*\/\//.test(line)) {
      comments.push(line);
      i++;
    } else if (/^import\s/.test(line)) {
      const start = i;
      while (!/from\s+['"][^'"]+['"];?\s*$/.test(lines[i])) {
        i++;
        if (i >= lines.length) {
          throw new Error(`${where}: an import without 'from ...': ${line}`);
        }
      }
      imports.push(lines.slice(start, i + 1).join('\n'));
      comments = [];
      i++;
    } else if (/^backend\.add\(/.test(line)) {
      const start = i;
      let depth = 0;
      let done = false;
      for (; i < lines.length && !done; i++) {
        for (const char of lines[i]) {
          if (char === '(') depth++;
          if (char === ')') depth--;
        }
        done = depth === 0;
      }
      if (!done) throw new Error(`${where}: unbalanced ${line}`);
      statements.push({
        comments,
        code: lines.slice(start, i).join('\n'),
      });
      comments = [];
    } else {
      throw new Error(
        `${where}: a line that is neither an import nor backend.add(...): ${line}`,
      );
    }
  }
  return { imports, statements };
}

/** The same statement whatever its line breaks and trailing commas. */
export function normalize(code) {
  return code.replace(/\s+/g, '').replace(/,\)/g, ')');
}

/** Every install step of every plugins/<name>/README.md, in README order. */
export function readInstallSteps(repoRoot) {
  const steps = {
    dependencies: new Map(), // workspace folder -> Set of package names
    imports: [],
    statements: [],
    removals: [],
    config: [],
    sources: [],
  };
  const readmes = readdirSync(join(repoRoot, 'plugins'), {
    withFileTypes: true,
  })
    .filter(entry => entry.isDirectory())
    .map(entry => join(repoRoot, 'plugins', entry.name, 'README.md'))
    .filter(existsSync)
    // The backends first, so that index.ts reads in the order of the
    // READMEs' links (registry, pipeline, modules); the frontend last.
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const readme of readmes) {
    const where = relative(repoRoot, readme);
    let used = 0;
    for (const { lang, lines } of codeBlocks(readFileSync(readme, 'utf8'))) {
      if (lang === 'sh') {
        for (const line of lines) {
          const add = line.match(/^yarn --cwd (packages\/[\w-]+) add (.+)$/);
          if (!add) continue;
          const set = steps.dependencies.get(add[1]) ?? new Set();
          for (const name of add[2].trim().split(/\s+/)) set.add(name);
          steps.dependencies.set(add[1], set);
          used++;
        }
      } else if (lang === 'ts' && lines[0].trim() === `// ${BACKEND_INDEX}`) {
        const code = parseBackendCode(lines.slice(1), where);
        steps.imports.push(...code.imports);
        steps.statements.push(...code.statements);
        used++;
      } else if (
        lang === 'diff' &&
        lines[0].trim() === `--- ${BACKEND_INDEX}`
      ) {
        const body = lines.slice(1);
        const removed = body
          .filter(l => l.startsWith('-'))
          .map(l => l.slice(1));
        const added = body.filter(l => l.startsWith('+')).map(l => l.slice(1));
        steps.removals.push(...parseBackendCode(removed, where).statements);
        const code = parseBackendCode(added, where);
        steps.imports.push(...code.imports);
        steps.statements.push(...code.statements);
        used++;
      } else if (lang === 'yaml' && lines[0].trim() === '# app-config.yaml') {
        steps.config.push({ where, value: YAML.parse(lines.join('\n')) });
        used++;
      }
    }
    if (used > 0) steps.sources.push(`${where} (${used} steps)`);
  }
  return steps;
}

function rank(readme) {
  if (readme.includes('/event-schemas-backend/')) return 0;
  if (readme.includes('/delivery-pipeline-backend/')) return 1;
  if (readme.includes('-backend-module-') || readme.includes('-module-'))
    return 2;
  return 3;
}

/** `backend.add(...)` statements of a file, with their offsets. */
function backendAdds(text) {
  const found = [];
  for (const match of text.matchAll(/^backend\.add\(/gm)) {
    let depth = 0;
    let end = match.index;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      if (text[end] === ')' && --depth === 0) break;
    }
    if (text[end + 1] === ';') end++;
    found.push({
      start: match.index,
      end: end + 1,
      code: text.slice(match.index, end + 1),
    });
  }
  return found;
}

/** Applies the backend's steps to packages/backend/src/index.ts. */
export function applyBackendSteps(appDir, steps) {
  const file = join(appDir, BACKEND_INDEX);
  let text = readFileSync(file, 'utf8');
  const log = [];

  for (const removal of steps.removals) {
    const match = backendAdds(text).find(
      add => normalize(add.code) === normalize(removal.code),
    );
    if (!match) {
      throw new Error(
        `A README removes ${removal.code.replace(
          /\s+/g,
          ' ',
        )} from ${BACKEND_INDEX}, which the new app does not have: the README's step does not fit a new app.`,
      );
    }
    text =
      text.slice(0, match.start) + text.slice(match.end).replace(/^\n/, '');
    log.push(`removed ${removal.code.replace(/\s+/g, ' ')}`);
  }

  const existingImports = new Set(
    [...text.matchAll(/^import[\s\S]*?from\s+['"][^'"]+['"];?$/gm)].map(m =>
      normalize(m[0]),
    ),
  );
  const newImports = [];
  for (const statement of steps.imports) {
    if (existingImports.has(normalize(statement))) continue;
    existingImports.add(normalize(statement));
    newImports.push(statement);
  }
  const lastImport = [
    ...text.matchAll(/^import[\s\S]*?from\s+['"][^'"]+['"];?$/gm),
  ].pop();
  const at = lastImport ? lastImport.index + lastImport[0].length : 0;
  if (newImports.length > 0) {
    text = `${text.slice(0, at)}\n${newImports.join('\n')}${text.slice(at)}`;
    log.push(...newImports.map(statement => statement.replace(/\s+/g, ' ')));
  }

  const existingAdds = new Set(
    backendAdds(text).map(add => normalize(add.code)),
  );
  const additions = [];
  for (const statement of steps.statements) {
    if (existingAdds.has(normalize(statement.code))) continue;
    existingAdds.add(normalize(statement.code));
    additions.push([...statement.comments, statement.code].join('\n'));
    log.push(statement.code.replace(/\s+/g, ' '));
  }
  const start = text.lastIndexOf('backend.start();');
  if (start < 0) throw new Error(`${BACKEND_INDEX} has no backend.start();`);
  text = `${text.slice(
    0,
    start,
  )}// The data collection suite, as its READMEs install it.\n${additions.join(
    '\n',
  )}\n\n${text.slice(start)}`;
  writeFileSync(file, text);
  return log;
}

/** Merges a README's config into a YAML document: maps merged, lists appended. */
export function mergeConfig(doc, value, path = []) {
  for (const [key, item] of Object.entries(value ?? {})) {
    const at = [...path, key];
    const current = doc.getIn(at, true);
    if (isPlainObject(item) && YAML.isMap(current)) {
      mergeConfig(doc, item, at);
    } else if (Array.isArray(item) && YAML.isSeq(current)) {
      const present = new Set(
        current.toJSON().map(entry => JSON.stringify(entry)),
      );
      for (const entry of item) {
        if (!present.has(JSON.stringify(entry)))
          doc.addIn(at, doc.createNode(entry));
      }
    } else {
      doc.setIn(at, doc.createNode(item));
    }
  }
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies the README's app-config.yaml blocks to the app's app-config.yaml. */
export function applyConfigSteps(appDir, steps) {
  const file = join(appDir, 'app-config.yaml');
  const doc = YAML.parseDocument(readFileSync(file, 'utf8'));
  for (const { value } of steps.config) mergeConfig(doc, value);
  writeFileSync(
    file,
    doc.toString({ lineWidth: 0, flowCollectionPadding: false }),
  );
  return steps.config.map(
    ({ where, value }) => `${where}: ${Object.keys(value).join(', ')}`,
  );
}

/** The package.json of a packed tarball. */
export function packedManifest(tarball) {
  return JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
}

/** Files in a packed tarball, relative to its package folder. */
export function packedFiles(tarball) {
  return execFileSync('tar', ['-tzf', tarball], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\n')
    .filter(Boolean)
    .map(file => file.replace(/^package\//, ''));
}

/**
 * What `yarn pack` must have made of a package for it to work outside this
 * repository: entry points in dist/ and present, no workspace: ranges, and
 * (for the pipeline) the worker threads' files beside the modules that start
 * them. Returns the problems; empty when the tarball is fine.
 */
export function checkTarball(tarball) {
  const manifest = packedManifest(tarball);
  const files = new Set(packedFiles(tarball));
  const problems = [];
  const entries = [manifest.main, manifest.types, manifest.module];
  for (const value of Object.values(manifest.exports ?? {})) {
    if (typeof value === 'string') entries.push(value);
    // Conditions name files, except `backstage` (the feature's kind).
    else if (value) {
      for (const [condition, file] of Object.entries(value)) {
        if (condition !== 'backstage' && typeof file === 'string')
          entries.push(file);
      }
    }
  }
  for (const entry of entries.filter(Boolean)) {
    const file = entry.replace(/^\.\//, '');
    if (file === 'package.json') continue;
    if (!file.startsWith('dist/'))
      problems.push(`entry point ${entry} is not in dist/`);
    if (!files.has(file))
      problems.push(`entry point ${entry} is not in the tarball`);
  }
  if (!manifest.main && !manifest.exports)
    problems.push('no main and no exports');
  const bins =
    typeof manifest.bin === 'string'
      ? [manifest.bin]
      : Object.values(manifest.bin ?? {});
  for (const bin of bins) {
    if (!files.has(bin.replace(/^\.\//, '')))
      problems.push(`bin ${bin} is not in the tarball`);
  }
  for (const field of [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
  ]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|link|portal|file):/.test(range)) {
        problems.push(`${field}.${name} is ${range}`);
      }
    }
  }
  if (manifest.name === '@data-collection/plugin-delivery-pipeline-backend') {
    for (const worker of [
      'dist/transport/localTransportWorker.cjs.js',
      'dist/dedupe/dedupeWorker.cjs.js',
    ]) {
      if (!files.has(worker))
        problems.push(`worker thread file ${worker} is missing`);
    }
    if (![...files].some(file => file.startsWith('migrations/'))) {
      problems.push('no migrations/');
    }
  }
  return { manifest, problems };
}

/**
 * Adds the README's dependencies to the app's workspaces: the suite's
 * packages from their tarballs (under <app>/tarballs), Backstage's at the
 * version this repository uses (the same Backstage release), and root
 * `resolutions` mapping every packed package to its tarball, since the
 * packages depend on each other by version and are not on a registry.
 */
export function applyDependencySteps(appDir, steps, tarballs, repoRoot) {
  const log = [];
  const require = createRequire(join(repoRoot, 'package.json'));
  for (const [workspace, names] of steps.dependencies) {
    const file = join(appDir, workspace, 'package.json');
    if (!existsSync(file)) {
      throw new Error(
        `A README adds packages to ${workspace}, which a new app does not have.`,
      );
    }
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    for (const spec of names) {
      // `name` or `name@version`, as `yarn add` takes them; a README gives
      // a version where the release needs one (e.g. the MCP plugin).
      const [, name, pinned] = spec.match(/^(@?[^@]+)(?:@(.+))?$/);
      let range;
      if (tarballs.has(name)) {
        range = `file:${relative(join(appDir, workspace), tarballs.get(name))}`;
      } else if (pinned) {
        range = pinned;
      } else {
        const { version } = require(`${name}/package.json`);
        range = `^${version}`;
      }
      manifest.dependencies[name] = range;
      log.push(`${workspace}: ${name}@${range}`);
    }
    manifest.dependencies = Object.fromEntries(
      Object.entries(manifest.dependencies).sort(([a], [b]) =>
        a.localeCompare(b),
      ),
    );
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const rootFile = join(appDir, 'package.json');
  const root = JSON.parse(readFileSync(rootFile, 'utf8'));
  root.resolutions = { ...root.resolutions };
  for (const [name, tarball] of tarballs) {
    root.resolutions[name] = `file:./${relative(appDir, tarball)}`;
  }
  writeFileSync(rootFile, `${JSON.stringify(root, null, 2)}\n`);
  return log;
}

/** The frontend: a new frontend system app discovers the plugin. */
export function checkFrontendDiscovery(appDir) {
  const config = YAML.parse(
    readFileSync(join(appDir, 'app-config.yaml'), 'utf8'),
  );
  if (config?.app?.packages !== 'all') {
    throw new Error(
      "The new app does not discover frontend plugins (no `app.packages: all` in app-config.yaml): the frontend README's steps for the new frontend system do not install the plugin in it.",
    );
  }
}
