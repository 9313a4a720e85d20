import {
  logUniform,
  pick,
  pickWeighted,
  randomInt,
  RandomSource,
  seededRandom,
} from './random';

/** The `data` of an event: a JSON object. */
export type EventData = Record<string, unknown>;

/**
 * What the demo sends of one event type: data that follows the type's
 * latest schema, and data that breaks it (ingest rejects that into the
 * failed events).
 */
export type DemoEventType = {
  /** The CloudEvents `type`, registered by the registry's demo data. */
  type: string;
  /** The producing service; sources are `//<service>/<region>`. */
  service: string;
  /** Share of the traffic, relative to the other types. */
  weight: number;
  valid(random: RandomSource): EventData;
  /** Data that violates the schema, in one of several realistic ways. */
  invalid(random: RandomSource): EventData;
};

/** Regions of the producing services, weighted by their users. */
const REGIONS = [
  ['europe-west1', 35],
  ['us-east1', 30],
  ['us-central1', 15],
  ['asia-northeast1', 12],
  ['southamerica-east1', 8],
] as const;

export function pickRegion(random: RandomSource): string {
  return pickWeighted(random, REGIONS);
}

const USERS = 5000;
const TRACKS = 3000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A listener; few heavy listeners send most events, as in real traffic. */
function userId(random: RandomSource): string {
  const index = Math.floor(random() ** 2 * USERS);
  return `user-${String(index).padStart(5, '0')}`;
}

/** The 22 base62 characters of a catalog track, always the same per index. */
function trackIdOf(index: number): string {
  const random = seededRandom(index * 2654435761);
  return Array.from({ length: 22 }, () => pick(random, [...BASE62])).join('');
}

/** A track; popular tracks are played far more often. */
function trackId(random: RandomSource): string {
  return trackIdOf(Math.floor(random() ** 3 * TRACKS));
}

const PLAYBACK_SOURCES = [
  ['playlist', 40],
  ['album', 25],
  ['search', 20],
  ['radio', 15],
] as const;

/** `com.example.playback.started`, version 2 (examples/event-types). */
const playbackStarted: DemoEventType = {
  type: 'com.example.playback.started',
  service: 'playback-service',
  weight: 3,
  valid(random) {
    const data: EventData = {
      user_id: userId(random),
      track_id: trackId(random),
    };
    // Most plays start at the beginning; some resume where they stopped.
    if (random() < 0.85) {
      data.position_ms = random() < 0.8 ? 0 : randomInt(random, 1, 240_000);
    }
    // Older app versions do not report where playback started from.
    if (random() < 0.9) {
      data.source = pickWeighted(random, PLAYBACK_SOURCES);
    }
    return data;
  },
  invalid(random) {
    const data: EventData = {
      user_id: userId(random),
      track_id: trackId(random),
      position_ms: 0,
      source: 'playlist',
    };
    switch (randomInt(random, 0, 4)) {
      case 0: // An app build that lost the track.
        delete data.track_id;
        break;
      case 1: // A seek before the start, from a buggy player.
        data.position_ms = -randomInt(random, 1, 5000);
        break;
      case 2: // A client that sends numbers as strings.
        data.position_ms = String(randomInt(random, 0, 240_000));
        break;
      case 3: // A value added in the app but not (yet) in the schema.
        data.source = 'home-feed';
        break;
      default: // A field the schema does not allow.
        data.device = pick(random, ['ios', 'android', 'web']);
    }
    return data;
  },
};

const SEARCH_TERMS = [
  'lofi beats',
  'jazz piano',
  'workout mix',
  'rainy day',
  'classical focus',
  'indie folk',
  'sleep sounds',
  'summer hits',
  'acoustic covers',
  'deep house',
  'bossa nova',
  'study music',
  'road trip',
  '80s synthpop',
  'reggaeton',
  'k-pop',
  'piano ballads',
  'kids songs',
  'chill',
  'morning coffee',
];

/** A search query as users type them: sometimes cut short, sometimes lower. */
function query(random: RandomSource): string {
  const term = pick(random, SEARCH_TERMS);
  if (random() < 0.15) {
    // Still typing: the search-as-you-type request of a prefix.
    return term.slice(0, randomInt(random, 1, term.length));
  }
  return term;
}

/** `com.example.search.performed`, an Avro record (examples/event-types). */
const searchPerformed: DemoEventType = {
  type: 'com.example.search.performed',
  service: 'search-service',
  weight: 1,
  valid(random) {
    const data: EventData = { user_id: userId(random), query: query(random) };
    // `results` has a default: old clients leave it out.
    if (random() < 0.9) {
      data.results =
        random() < 0.08 ? 0 : Math.round(logUniform(random, 1, 50));
    }
    return data;
  },
  invalid(random) {
    const data: EventData = {
      user_id: userId(random),
      query: query(random),
      results: randomInt(random, 1, 50),
    };
    switch (randomInt(random, 0, 4)) {
      case 0: // A request sent before the query was known.
        delete data.query;
        break;
      case 1: // Numbers as strings.
        data.results = String(data.results);
        break;
      case 2: // Not an Avro int.
        data.results = (data.results as number) + 0.5;
        break;
      case 3: // A numeric user id from an old backend.
        data.user_id = randomInt(random, 1, 99_999);
        break;
      default: // A field the record does not declare.
        data.locale = pick(random, ['en-US', 'de-DE', 'ja-JP']);
    }
    return data;
  },
};

/** The demo event types, as registered from examples/event-types. */
export const DEMO_EVENT_TYPES: readonly DemoEventType[] = [
  playbackStarted,
  searchPerformed,
];
