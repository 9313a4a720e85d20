/*
 * Run as its own process by LocalEventTransport.test.ts: publishes from
 * several concurrent publishers until killed, printing each publish's name
 * once it resolved, i.e. once ingest would have answered 2xx.
 *
 * Usage: node --require @backstage/cli/config/nodeTransform.cjs publishUntilKilled.ts <directory>
 */
import { LocalEventTransport } from '../LocalEventTransport';

export const EVENTS_PER_PUBLISH = 50;
const PUBLISHERS = 8;

async function publishUntilKilled(directory: string) {
  const transport = await LocalEventTransport.create({
    directory,
    maxBacklogEvents: Number.MAX_SAFE_INTEGER,
    maxBacklogBytes: Number.MAX_SAFE_INTEGER,
  });
  await Promise.all(
    Array.from({ length: PUBLISHERS }, async (_, publisher) => {
      for (let n = 0; ; n++) {
        const name = `${publisher}-${n}`;
        await transport.publish(
          Array.from({ length: EVENTS_PER_PUBLISH }, (__, i) => ({
            eventType: 'com.example.killed',
            receivedAt: Date.now(),
            line: JSON.stringify({ name, i }),
          })),
        );
        // Synchronous for pipes: once printed, the parent may count on it.
        process.stdout.write(`${name}\n`);
      }
    }),
  );
}

if (require.main === module) {
  publishUntilKilled(process.argv[2]).catch(error => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
