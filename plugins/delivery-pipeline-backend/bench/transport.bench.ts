/*
 * node --require @backstage/cli/config/nodeTransform.cjs \
 *   plugins/delivery-pipeline-backend/bench/transport.bench.ts [seconds]
 *
 * Publish throughput of the built-in transports: concurrent publishers, each
 * publishing 100-event chunks of ~600-byte lines in a loop, as ingest does
 * for concurrent requests. Then drains what was published with claim and ack,
 * as the consumer does. Runs the local transport, the database transport on
 * a SQLite file and, when BENCH_POSTGRES_CONNECTION is set (e.g.
 * postgresql://postgres@127.0.0.1:5432), on a scratch PostgreSQL database.
 *
 * A benchmark, not a test: figures vary with the machine, its disk and its
 * load; compare within a run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  EventTransport,
  TransportEvent,
} from '@data-collection/plugin-delivery-pipeline-node';
import knexFactory from 'knex';
import { DatabaseEventTransport } from '../src/transport/DatabaseEventTransport';
import { LocalEventTransport } from '../src/transport/LocalEventTransport';

const seconds = Number(process.argv[2] ?? 5);
const EVENTS_PER_PUBLISH = 100;
const LINE_BYTES = 600;
const bounds = {
  maxBacklogEvents: Number.MAX_SAFE_INTEGER,
  maxBacklogBytes: Number.MAX_SAFE_INTEGER,
};

type Subject = {
  name: string;
  open(): Promise<{ transport: EventTransport; cleanup(): Promise<void> }>;
};

const subjects: Subject[] = [
  {
    name: 'local',
    async open() {
      const directory = scratchDirectory();
      const transport = await LocalEventTransport.create({
        directory,
        ...bounds,
      });
      return { transport, cleanup: () => removeDirectory(directory) };
    },
  },
  {
    name: 'database, SQLite file',
    async open() {
      const directory = scratchDirectory();
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(directory, 'plugin.sqlite') },
        useNullAsDefault: true,
      });
      const transport = await DatabaseEventTransport.create({
        database: knex,
        ...bounds,
      });
      return {
        transport,
        async cleanup() {
          await knex.destroy();
          await removeDirectory(directory);
        },
      };
    },
  },
];

const postgres = process.env.BENCH_POSTGRES_CONNECTION;
if (postgres) {
  subjects.push({
    name: 'database, PostgreSQL',
    async open() {
      const name = `transport_bench_${randomBytes(6).toString('hex')}`;
      const admin = knexFactory({ client: 'pg', connection: postgres });
      await admin.raw('CREATE DATABASE ??', [name]);
      const knex = knexFactory({
        client: 'pg',
        connection: `${postgres.replace(/\/[^/]*$/, '')}/${name}`,
      });
      const transport = await DatabaseEventTransport.create({
        database: knex,
        ...bounds,
      });
      return {
        transport,
        async cleanup() {
          await knex.destroy();
          await admin.raw('DROP DATABASE ??', [name]);
          await admin.destroy();
        },
      };
    },
  });
}

async function main() {
  console.log(
    `${seconds} s per run, ${EVENTS_PER_PUBLISH} events of ${LINE_BYTES} bytes per publish`,
  );
  for (const subject of subjects) {
    for (const publishers of [8, 64]) {
      const { transport, cleanup } = await subject.open();
      try {
        const publish = await publishFor(transport, publishers);
        const drain = await drainAll(transport);
        console.log(
          [
            subject.name.padEnd(22),
            `${String(publishers).padStart(2)} publishers:`,
            `publish ${rate(publish.events, publish.ms)} events/s`,
            `(latency p50 ${publish.p50.toFixed(
              1,
            )} ms, p99 ${publish.p99.toFixed(1)} ms);`,
            `claim+ack ${rate(drain.events, drain.ms)} events/s`,
          ].join(' '),
        );
      } finally {
        await transport.close();
        await cleanup();
      }
    }
  }
}

async function publishFor(transport: EventTransport, publishers: number) {
  const line = `{"specversion":"1.0","data":"${'x'.repeat(LINE_BYTES - 32)}"}`;
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: publishers }, async (_, publisher) => {
      while (performance.now() < deadline) {
        const receivedAt = Date.now();
        const events: TransportEvent[] = Array.from(
          { length: EVENTS_PER_PUBLISH },
          () => ({
            eventType: `com.example.bench${publisher % 4}`,
            receivedAt,
            line,
          }),
        );
        const before = performance.now();
        await transport.publish(events);
        latencies.push(performance.now() - before);
      }
    }),
  );
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    events: latencies.length * EVENTS_PER_PUBLISH,
    ms,
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

async function drainAll(transport: EventTransport) {
  const started = performance.now();
  let events = 0;
  for (;;) {
    const claim = await transport.claim({ maxEvents: 20_000, leaseMs: 60_000 });
    if (!claim) break;
    events += claim.events.length;
    await transport.ack(claim);
  }
  return { events, ms: performance.now() - started };
}

function rate(events: number, ms: number) {
  return Math.round((events / ms) * 1000)
    .toLocaleString('en-US')
    .padStart(9);
}

function scratchDirectory() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'transport-bench-'));
}

function removeDirectory(directory: string) {
  return fs.promises.rm(directory, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
