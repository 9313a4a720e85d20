import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { TransportEvent } from '@data-collection/plugin-delivery-pipeline-node';
import { LocalEventTransport } from './LocalEventTransport';
import { EVENTS_PER_PUBLISH } from './__testUtils__/publishUntilKilled';
import {
  batch,
  describeTransportConformance,
} from '@data-collection/plugin-delivery-pipeline-node/testUtils';

jest.setTimeout(60_000);

describe('LocalEventTransport', () => {
  const directories: string[] = [];
  const transports: LocalEventTransport[] = [];

  async function newDirectory() {
    const directory = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'local-transport-'),
    );
    directories.push(directory);
    return path.join(directory, 'transport');
  }

  async function open(directory: string) {
    const transport = await LocalEventTransport.create({
      directory,
      maxBacklogEvents: 1_000_000,
      maxBacklogBytes: 1_000_000_000,
    });
    transports.push(transport);
    return transport;
  }

  afterEach(async () => {
    await Promise.allSettled(transports.splice(0).map(t => t.close()));
  });

  afterAll(async () => {
    await Promise.all(
      directories.map(d => fs.promises.rm(d, { recursive: true, force: true })),
    );
  });

  describeTransportConformance([['local']], async () => {
    const directory = await newDirectory();
    return {
      open: bounds => LocalEventTransport.create({ directory, ...bounds }),
    };
  });

  it('keeps its own SQLite file in WAL mode in the folder it creates', async () => {
    const directory = await newDirectory();
    const transport = await open(directory);
    await transport.publish(batch('a', 1000, 2));
    expect(fs.readdirSync(directory).sort()).toEqual([
      'transport.sqlite',
      'transport.sqlite-wal',
    ]);
  });

  it('refuses a second owner of the same folder while the first is open', async () => {
    const directory = await newDirectory();
    const first = await open(directory);
    await expect(open(directory)).rejects.toThrow(/locked/);

    await first.publish(batch('a', 1000, 2));
    await first.close();
    const second = await open(directory);
    expect(await second.backlog()).toMatchObject({ events: 2 });
  });

  it('loses no acknowledged publish when its process is killed', async () => {
    const directory = await newDirectory();
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        require.resolve('./__testUtils__/publishUntilKilled'),
        directory,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', data => {
      stderr += data;
    });
    const exited = new Promise(resolve => child.once('exit', resolve));

    const acknowledged = new Set<string>();
    for await (const line of createInterface({ input: child.stdout })) {
      acknowledged.add(line);
      if (acknowledged.size === 400) {
        // Mid-flight: more publishes are queued and being committed.
        child.kill('SIGKILL');
      }
    }
    await expect(exited).resolves.toBeNull();
    expect(stderr).toBe('');
    expect(acknowledged.size).toBeGreaterThanOrEqual(400);

    const transport = await open(directory);
    const stored = await claimEverything(transport);
    const byPublish = new Map<string, number>();
    for (const event of stored) {
      const { name } = JSON.parse(event.line);
      byPublish.set(name, (byPublish.get(name) ?? 0) + 1);
    }
    for (const name of acknowledged) {
      expect([name, byPublish.get(name)]).toEqual([name, EVENTS_PER_PUBLISH]);
    }
    // Publishes are atomic: one the kill cut short left nothing behind.
    for (const [name, count] of byPublish) {
      expect([name, count]).toEqual([name, EVENTS_PER_PUBLISH]);
    }
  });
});

async function claimEverything(transport: LocalEventTransport) {
  const events: TransportEvent[] = [];
  for (;;) {
    const claim = await transport.claim({ maxEvents: 10_000, leaseMs: 60_000 });
    if (!claim) return events;
    events.push(...claim.events);
    await transport.ack(claim);
  }
}
