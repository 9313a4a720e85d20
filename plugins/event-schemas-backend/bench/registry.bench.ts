/*
 * yarn bench:registry
 *
 * 1. Compiled-validator throughput (events/s) for a JSON Schema and an Avro
 *    event type, beside the throughput of JSON.parse on the same events: the
 *    work ingest does for every event anyway, measured in the same run.
 * 2. Registry lookup latency of `validate` (which version is latest? which
 *    validator?) with the lookup and validator caches, beside the same call
 *    with the lookup cache off, so that every call reads SQLite (a database
 *    file, as the embedded default keeps it, not an in-memory one).
 * 3. Compatibility-check latency (`checkCompatibility`, what registration and
 *    the portal's draft check run) for the biggest demo type and for a
 *    generated 500-field schema, each for a compatible and a breaking
 *    candidate; target under 50 ms each. A check that gives the wrong
 *    verdict fails the benchmark.
 *
 * Prints a table and writes bench-results/registry.json. A benchmark, not a
 * test: figures vary with the machine and its load; compare within a run.
 */
import {
  compileValidator,
  readEventTypeFile,
} from '@data-collection/plugin-event-schemas-common';
import Knex from 'knex';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseEventTypeStore } from '../src/database/DatabaseEventTypeStore';
import { SchemaRegistry } from '../src/registry/SchemaRegistry';
import { DEFAULT_REGISTRY_CONFIG } from '../src/service/config';

const repoRoot = join(__dirname, '..', '..', '..');

/** What a registration's compatibility check may take (issue 21). */
const COMPATIBILITY_TARGET_MS = 50;

const jsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'track_id', 'started_at', 'context'],
  properties: {
    user_id: { type: 'string', minLength: 1, maxLength: 64 },
    track_id: { type: 'string', pattern: '^trk_[0-9a-z]{8}$' },
    started_at: { type: 'string', format: 'date-time' },
    position_ms: { type: 'integer', minimum: 0 },
    shuffle: { type: 'boolean' },
    source: { type: 'string', enum: ['album', 'playlist', 'radio', 'search'] },
    context: {
      type: 'object',
      required: ['device', 'country'],
      properties: {
        device: { type: 'string' },
        country: { type: 'string', minLength: 2, maxLength: 2 },
        app_version: { type: 'string' },
      },
    },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
  },
};

const avroSchema = {
  type: 'record',
  name: 'PlaybackStarted',
  namespace: 'com.example.playback',
  fields: [
    { name: 'user_id', type: 'string' },
    { name: 'track_id', type: 'string' },
    { name: 'started_at', type: 'string' },
    { name: 'position_ms', type: ['null', 'long'], default: null },
    { name: 'shuffle', type: 'boolean' },
    {
      name: 'source',
      type: {
        type: 'enum',
        name: 'Source',
        symbols: ['album', 'playlist', 'radio', 'search'],
      },
    },
    {
      name: 'context',
      type: {
        type: 'record',
        name: 'Context',
        fields: [
          { name: 'device', type: 'string' },
          { name: 'country', type: 'string' },
          { name: 'app_version', type: ['null', 'string'], default: null },
        ],
      },
    },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

// 1000 events, one in ten invalid (a string position), as ingest sees them.
function makeEvents(): unknown[] {
  return Array.from({ length: 1000 }, (_, i) => ({
    user_id: `user-${i % 97}`,
    track_id: `trk_${(10_000_000 + i).toString(36).padStart(8, '0').slice(-8)}`,
    started_at: new Date(Date.UTC(2026, 10, 23, 10, 0, i % 60)).toISOString(),
    position_ms: i % 10 === 0 ? 'soon' : i * 17,
    shuffle: i % 2 === 0,
    source: ['album', 'playlist', 'radio', 'search'][i % 4],
    context: { device: 'ios', country: 'SE', app_version: '8.9.1' },
    tags: ['a', 'b'],
  }));
}

/** Runs `fn` over `items` repeatedly for about `ms`; returns items per second. */
function throughput(items: unknown[], fn: (item: unknown) => void, ms = 1500) {
  for (const item of items) fn(item); // warm-up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const item of items) fn(item);
    count += items.length;
    elapsed = performance.now() - start;
  }
  return Math.round(count / (elapsed / 1000));
}

async function latency(
  fn: () => Promise<unknown>,
  calls: number,
  warmUp = 200,
) {
  for (let i = 0; i < warmUp; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await fn();
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(
      samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] *
        10,
    ) / 10;
  return { p50Us: at(0.5), p99Us: at(0.99), calls };
}

/** A registry on its own SQLite database file, as the embedded default. */
async function fileBackedRegistry(options: {
  directory: string;
  name: string;
  lookupTtlMs: number;
}) {
  const knex = Knex({
    client: 'better-sqlite3',
    connection: { filename: join(options.directory, `${options.name}.sqlite`) },
    useNullAsDefault: true,
  });
  const store = await DatabaseEventTypeStore.create({
    database: { getClient: async () => knex },
  });
  const registry = new SchemaRegistry({
    store,
    config: DEFAULT_REGISTRY_CONFIG,
    lookupTtlMs: options.lookupTtlMs,
  });
  return { registry, knex };
}

/** The demo event type file with the largest schema. */
async function biggestDemoType() {
  const directory = join(repoRoot, 'examples', 'event-types');
  const files = readdirSync(directory).filter(f => /\.(ya?ml|json)$/.test(f));
  const definitions = await Promise.all(
    files.map(async file => {
      const path = join(directory, file);
      const { definition } = await readEventTypeFile({
        path,
        text: readFileSync(path, 'utf8'),
        readFile: async schemaPath => readFileSync(schemaPath, 'utf8'),
      });
      return definition;
    }),
  );
  const size = (schema: unknown) =>
    typeof schema === 'string' ? schema.length : JSON.stringify(schema).length;
  return definitions.sort((a, b) => size(b.schema) - size(a.schema))[0];
}

/**
 * A wide event: 500 fields, a fifth of them in nested objects, with the
 * keywords real schemas carry (formats, enums, bounds, patterns).
 */
function generatedSchema(fields: number) {
  const field = (i: number) => {
    switch (i % 5) {
      case 0:
        return { type: 'string', maxLength: 256 };
      case 1:
        return { type: 'integer', minimum: 0 };
      case 2:
        return { type: 'string', enum: ['a', 'b', 'c', `d${i}`] };
      case 3:
        return { type: 'string', format: 'date-time' };
      default:
        return { type: 'number', maximum: 1e9 };
    }
  };
  const properties: Record<string, unknown> = {};
  const nested: Record<string, unknown> = {};
  for (let i = 0; i < fields; i++) {
    if (i % 5 === 4) nested[`n_${i}`] = field(i);
    else properties[`f_${i}`] = field(i);
  }
  properties.context = { type: 'object', properties: nested };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['f_0', 'f_1', 'f_2'],
    properties,
    // Closed, as the demo types are: a field added later is then a
    // compatible change.
    additionalProperties: false,
  };
}

/**
 * Registers `schema` as a BACKWARD type and times the check of a compatible
 * candidate (one optional field more) and of a breaking one (a required
 * field's type changed), failing on a wrong verdict.
 */
async function compatibilityLatency(options: {
  registry: SchemaRegistry;
  name: string;
  schema: Record<string, any>;
  calls: number;
}) {
  const { registry, name, schema, calls } = options;
  await registry.createEventType({
    request: {
      name,
      owner: 'group:default/bench',
      format: 'jsonschema',
      compatibility: 'BACKWARD',
      schema: JSON.stringify(schema),
    },
    createdBy: 'user:default/bench',
  });
  const compatible = JSON.stringify({
    ...schema,
    properties: { ...schema.properties, added_field: { type: 'string' } },
  });
  const [required] = schema.required as string[];
  const breaking = JSON.stringify({
    ...schema,
    properties: { ...schema.properties, [required]: { type: 'boolean' } },
  });
  const timed = async (candidate: string, expected: boolean) => {
    const result = await registry.checkCompatibility({
      name,
      schema: candidate,
    });
    if (result.compatible !== expected) {
      throw new Error(
        `Compatibility check of ${name} answered ${
          result.compatible
        }, expected ${expected}: ${result.messages.join('; ')}`,
      );
    }
    const timing = await latency(
      () => registry.checkCompatibility({ name, schema: candidate }),
      calls,
      20,
    );
    const toMs = (us: number) => Math.round(us / 100) / 10;
    return { p50Ms: toMs(timing.p50Us), p99Ms: toMs(timing.p99Us), calls };
  };
  return {
    schemaBytes: JSON.stringify(schema).length,
    compatible: await timed(compatible, true),
    breaking: await timed(breaking, false),
  };
}

async function main() {
  const events = makeEvents();
  const texts = events.map(e => JSON.stringify(e));

  const validators = {
    jsonschema: compileValidator({
      format: 'jsonschema',
      schema: JSON.stringify(jsonSchema),
    }),
    avro: compileValidator({
      format: 'avro',
      schema: JSON.stringify(avroSchema),
    }),
  };
  const invalidSeen = events.filter(
    e => !validators.jsonschema(e).valid,
  ).length;
  if (invalidSeen !== 100) {
    throw new Error(
      `Expected 100 invalid events in the JSON Schema set, got ${invalidSeen}`,
    );
  }

  const parseRef = throughput(texts, t => JSON.parse(t as string));
  const jsonRate = throughput(events, e => validators.jsonschema(e));
  const avroRate = throughput(events, e => validators.avro(e));

  const directory = mkdtempSync(join(os.tmpdir(), 'bench-registry-'));
  const registries = await Promise.all(
    [5000, 0].map(async lookupTtlMs => {
      const { registry, knex } = await fileBackedRegistry({
        directory,
        name: `lookup-${lookupTtlMs}`,
        lookupTtlMs,
      });
      await registry.createEventType({
        request: {
          name: 'com.example.playback.started',
          owner: 'group:default/playback',
          format: 'jsonschema',
          schema: JSON.stringify(jsonSchema),
        },
        createdBy: 'user:default/bench',
      });
      return { registry, knex };
    }),
  );
  const validate = (registry: SchemaRegistry) => () =>
    registry.validate({
      type: 'com.example.playback.started',
      data: events[1],
    });
  const cached = await latency(validate(registries[0].registry), 20_000);
  const uncached = await latency(validate(registries[1].registry), 5_000);

  const demo = await biggestDemoType();
  const compat = await fileBackedRegistry({
    directory,
    name: 'compatibility',
    lookupTtlMs: 5000,
  });
  const checks = {
    [`demo: ${demo.name}`]: await compatibilityLatency({
      registry: compat.registry,
      name: demo.name,
      schema:
        typeof demo.schema === 'string'
          ? JSON.parse(demo.schema)
          : (demo.schema as Record<string, unknown>),
      calls: 300,
    }),
    'generated: 500 fields': await compatibilityLatency({
      registry: compat.registry,
      name: 'com.example.bench.wide',
      schema: generatedSchema(500),
      calls: 100,
    }),
  };
  await Promise.all([...registries, compat].map(r => r.knex.destroy()));
  rmSync(directory, { recursive: true, force: true });

  const results = {
    benchmark: 'registry',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
    },
    validatorThroughput: {
      unit: 'events/s, one core, 10% invalid events',
      jsonschema: jsonRate,
      avro: avroRate,
      reference: { name: 'JSON.parse of the same events', value: parseRef },
    },
    lookupLatency: {
      unit: 'microseconds per validate() call, incl. validation',
      cached,
      reference: {
        name: 'lookup cache off: SQLite (database file) read per call',
        ...uncached,
      },
    },
    compatibilityCheckLatency: {
      unit: 'milliseconds per checkCompatibility() call (BACKWARD, one earlier version)',
      targetMs: COMPATIBILITY_TARGET_MS,
      ...checks,
    },
  };

  const rows = [
    ['validator, JSON Schema', `${jsonRate.toLocaleString('en-US')} events/s`],
    ['validator, Avro', `${avroRate.toLocaleString('en-US')} events/s`],
    ['reference: JSON.parse', `${parseRef.toLocaleString('en-US')} events/s`],
    [
      'validate() with caches',
      `p50 ${cached.p50Us} µs, p99 ${cached.p99Us} µs`,
    ],
    [
      'reference: no lookup cache',
      `p50 ${uncached.p50Us} µs, p99 ${uncached.p99Us} µs`,
    ],
  ];
  for (const [name, check] of Object.entries(checks)) {
    for (const verdict of ['compatible', 'breaking'] as const) {
      const { p50Ms, p99Ms } = check[verdict];
      rows.push([
        `compat ${verdict}, ${name}`,
        `p50 ${p50Ms} ms, p99 ${p99Ms} ms (target < ${COMPATIBILITY_TARGET_MS} ms)`,
      ]);
    }
  }
  console.log(
    `${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}\n`,
  );
  for (const [name, value] of rows) console.log(`${name.padEnd(46)} ${value}`);

  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'registry.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log(`\nWritten to bench-results/registry.json`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
