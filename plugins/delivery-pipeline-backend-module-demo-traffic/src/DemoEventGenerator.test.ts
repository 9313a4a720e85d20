import {
  compileValidator,
  isEventTypeFilePath,
  parseEventTypeFile,
  resolveSchemaFilePath,
  SchemaValidator,
} from '@data-collection/plugin-event-schemas-common';
import { CloudEvent, HTTP } from 'cloudevents';
import fs from 'node:fs';
import path from 'node:path';
import {
  DemoEvent,
  DemoEventGenerator,
  GeneratedEvent,
  sampleClientDelayMs,
} from './DemoEventGenerator';
import { seededRandom } from './random';

const NOW = Date.parse('2026-11-24T12:34:56.789Z');
const HOUR = 3_600_000;

/**
 * The latest schema of every example event type, compiled as ingest does:
 * JSON Schema through Ajv, Avro through the registry's Avro validator.
 */
function exampleValidators(): Map<string, SchemaValidator> {
  const dir = path.resolve(__dirname, '../../../examples/event-types');
  const validators = new Map<string, SchemaValidator>();
  for (const file of fs.readdirSync(dir).filter(isEventTypeFilePath)) {
    const { definition, schemaFile } = parseEventTypeFile({
      path: file,
      text: fs.readFileSync(path.join(dir, file), 'utf8'),
    });
    const schema =
      definition.schema ??
      fs.readFileSync(
        path.join(dir, resolveSchemaFilePath(file, schemaFile!)),
        'utf8',
      );
    validators.set(
      definition.name,
      compileValidator({ format: definition.format, schema }),
    );
  }
  return validators;
}

/** Batches of the generator, with every event parsed. */
function generate(options: { batches: number; size: number; seed?: number }) {
  const generator = new DemoEventGenerator({
    random: seededRandom(options.seed ?? 42),
    now: () => NOW,
  });
  return Array.from({ length: options.batches }, () =>
    generator
      .nextBatch(options.size)
      .map(event => ({ ...event, event: JSON.parse(event.json) as DemoEvent })),
  );
}

describe('DemoEventGenerator', () => {
  const validators = exampleValidators();
  const batches = generate({ batches: 200, size: 500 });
  const all = batches.flat();
  const ofKind = (kind: GeneratedEvent['kind']) =>
    all.filter(e => e.kind === kind);

  it('sends the example event types, most of them playback', () => {
    expect([...validators.keys()].sort()).toEqual([
      'com.example.playback.started',
      'com.example.search.performed',
    ]);
    const playback = all.filter(
      e => e.event.type === 'com.example.playback.started',
    ).length;
    expect(playback / all.length).toBeCloseTo(0.75, 1);
    expect(new Set(all.map(e => e.event.type))).toEqual(
      new Set(validators.keys()),
    );
  });

  it('makes resends, conflicts and invalid events at about their rates', () => {
    expect(all).toHaveLength(100_000);
    expect(ofKind('resend').length / all.length).toBeGreaterThan(0.027);
    expect(ofKind('resend').length / all.length).toBeLessThan(0.033);
    expect(ofKind('conflict').length / all.length).toBeGreaterThan(0.004);
    expect(ofKind('conflict').length / all.length).toBeLessThan(0.006);
    expect(ofKind('invalid').length / all.length).toBeGreaterThan(0.008);
    expect(ofKind('invalid').length / all.length).toBeLessThan(0.012);
  });

  // Through the CloudEvents SDK's batch binding, which checks every event
  // against the spec; that ingest's own binding takes them is proven with
  // the real plugin in module.test.ts.
  it('makes batches that follow the CloudEvents HTTP binding', () => {
    for (const batch of batches.slice(0, 20)) {
      const events = HTTP.toEvent({
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: `[${batch.map(e => e.json).join(',')}]`,
      });
      expect(Array.isArray(events)).toBe(true);
      expect((events as CloudEvent[]).length).toBe(batch.length);
      for (const event of events as CloudEvent[]) {
        expect(event.validate()).toBe(true);
      }
    }
    for (const { event } of all.slice(0, 1000)) {
      expect(event).toEqual({
        specversion: '1.0',
        id: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        ),
        source: expect.stringMatching(
          /^\/\/(playback|search)-service\/[a-z]+-[a-z]+1$/,
        ),
        type: expect.any(String),
        time: expect.any(String),
        datacontenttype: 'application/json',
        data: expect.any(Object),
      });
      expect(
        event.source.startsWith(
          event.type === 'com.example.playback.started'
            ? '//playback-service/'
            : '//search-service/',
        ),
      ).toBe(true);
    }
  });

  it('makes data that follows the latest schema, except for the invalid events', () => {
    const checked = all.map(({ kind, event }) => ({
      kind,
      event,
      result: validators.get(event.type)!(event.data),
    }));
    expect(
      checked.filter(({ kind, result }) => kind !== 'invalid' && !result.valid),
    ).toEqual([]);
    expect(
      checked.filter(({ kind, result }) => kind === 'invalid' && result.valid),
    ).toEqual([]);
  });

  it('breaks the schema in several ways', () => {
    const problems = new Set(
      ofKind('invalid').flatMap(({ event }) =>
        validators.get(event.type)!(event.data).errors.map(
          error => `${event.type} ${error.split(':')[0]}`,
        ),
      ),
    );
    expect(problems.size).toBeGreaterThanOrEqual(8);
    expect(
      [...problems].filter(p => p.startsWith('com.example.search')).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('gives new and invalid events ids of their own', () => {
    const ids = [...ofKind('new'), ...ofKind('invalid')].map(e => e.event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resends earlier events byte for byte, in a later batch', () => {
    const seen = new Set<string>();
    const resends: string[] = [];
    const notSeenBefore: string[] = [];
    for (const batch of batches) {
      for (const { json } of batch.filter(e => e.kind === 'resend')) {
        resends.push(json);
        if (!seen.has(json)) notSeenBefore.push(json);
      }
      for (const { json } of batch.filter(e => e.kind === 'new')) {
        seen.add(json);
      }
    }
    expect(resends.length).toBeGreaterThan(0);
    expect(notSeenBefore).toEqual([]);
  });

  it('makes conflicts that differ from an earlier event in their data only', () => {
    const earlier = new Map<string, DemoEvent>();
    const pairs: Array<{ conflict: DemoEvent; original?: DemoEvent }> = [];
    for (const batch of batches) {
      for (const { event } of batch.filter(e => e.kind === 'conflict')) {
        pairs.push({
          conflict: event,
          original: earlier.get(`${event.source} ${event.id}`),
        });
      }
      for (const { event } of batch.filter(e => e.kind === 'new')) {
        earlier.set(`${event.source} ${event.id}`, event);
      }
    }
    expect(pairs.length).toBeGreaterThan(0);
    const withoutData = ({ data: _data, ...attributes }: DemoEvent) =>
      attributes;
    expect(pairs.filter(({ original }) => !original)).toEqual([]);
    expect(pairs.map(({ original }) => withoutData(original!))).toEqual(
      pairs.map(({ conflict }) => withoutData(conflict)),
    );
    expect(
      pairs.filter(
        ({ conflict, original }) =>
          JSON.stringify(conflict.data) === JSON.stringify(original!.data),
      ),
    ).toEqual([]);
  });

  it('stamps events before now, mostly by under a few seconds', () => {
    const delays = all
      .filter(e => e.kind !== 'resend' && e.kind !== 'conflict')
      .map(e => NOW - Date.parse(e.event.time))
      .sort((a, b) => a - b);
    const share = (predicate: (delay: number) => boolean) =>
      delays.filter(predicate).length / delays.length;

    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[Math.floor(delays.length / 2)]).toBeLessThan(1000);
    expect(share(d => d < 5000)).toBeGreaterThan(0.88);
    expect(share(d => d > 60_000)).toBeGreaterThan(0.03);
    expect(share(d => d > 60_000)).toBeLessThan(0.1);
    // Offline mobile clients: older than the hour they are received in.
    expect(share(d => d > HOUR)).toBeGreaterThan(0.003);
    expect(share(d => d > HOUR)).toBeLessThan(0.02);
    expect(delays[delays.length - 1]).toBeLessThanOrEqual(3 * 24 * HOUR);
  });

  it('is deterministic for a seed', () => {
    const again = generate({ batches: 3, size: 100, seed: 7 });
    expect(generate({ batches: 3, size: 100, seed: 7 })).toEqual(again);
    expect(generate({ batches: 3, size: 100, seed: 8 })).not.toEqual(again);
  });

  it('draws client delays from the skewed distribution', () => {
    const random = seededRandom(1);
    const delays = Array.from({ length: 10_000 }, () =>
      sampleClientDelayMs(random),
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(delays.filter(d => d < 5000).length).toBeGreaterThan(8800);
  });
});
