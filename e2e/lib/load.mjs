// The load of the reliability tests: several senders post numbered
// CloudEvents to one or more pipeline backends the way a careful producer
// does, and remember what was acknowledged.
//
// - Every event has a unique (source, id): source `//crash-test/sender-<s>`,
//   id `crash-<s>-<n>`; its content is a function of (s, n) and the time the
//   batch was made, so `expectedEvent(id)` rebuilds exactly what was sent.
//   Its data follows the demo event type's schema (examples/event-types),
//   personal data included: 97 people, each event about one of them.
// - Client retries: a request that fails (connection refused or reset by a
//   SIGKILL, 5xx, 429, timeout, 404 from a backend still starting) is sent
//   again, same body, to the next backend,
//   until it is acknowledged (202). Every `lostResponseEvery`-th request has
//   its answer "lost": aborted a few milliseconds after it was sent, or
//   answered 202 but dropped, and then sent again: the pipeline gets the same
//   events twice without the client knowing whether the first copy landed.
// - Deliberate duplicates: every `resendEvery`-th request also carries
//   `resendCount` events acknowledged before (recent ones and old ones, so
//   the copies land in the same partition or in an earlier one), with the
//   same source, id and content; now and then one twice in the same batch.
//
//   const load = startLoad({ backends: [a, b], eventType });
//   await load.waitForAckFrom(a);    // a's current incarnation acknowledged
//   await load.stop();               // stop sending new ids, flush retries
//   load.acked                       // Map id -> first acknowledgement
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const randomBetween = (min, max) => min + Math.random() * (max - min);

export const sourceOf = sender => `//crash-test/sender-${sender}`;
export const idOf = (sender, n) => `crash-${sender}-${n}`;

/** `crash-<sender>-<n>` -> { sender, n }, or undefined for any other id. */
export function parseId(id) {
  const match = /^crash-(\d+)-(\d+)$/.exec(String(id));
  return match ? { sender: Number(match[1]), n: Number(match[2]) } : undefined;
}

/** The data of event n of a sender, per demo event type. */
const dataOf = {
  'com.example.playback.started': (sender, n) => ({
    user_id: `user-${n % 97}`,
    track_id: `track-${sender}-${n}`,
    position_ms: n,
  }),
  // The data subject (user_id) and a personal field (query) of its own.
  'com.example.search.performed': (sender, n) => ({
    user_id: `user-${n % 97}`,
    query: `songs like ${sender}-${n}`,
    results: n % 100,
  }),
};

export function startLoad({
  backends,
  eventType,
  senders = 4,
  batchSize = 50,
  // Every fifth request of a sender is one structured event instead of a batch.
  singleEvery = 5,
  resendEvery = 4,
  resendCount = 3,
  lostResponseEvery = 13,
  /** How long `stop()` keeps retrying the batches under way. */
  flushTimeoutMs = 60_000,
  requestTimeoutMs = 15_000,
}) {
  /** id -> { sentAt, ackedAt, backend, incarnation, attempts } (first ack) */
  const acked = new Map();
  /** ids given up on (a 4xx, or still failing when the flush timed out) */
  const unacknowledged = new Set();
  const outcomes = {};
  const problems = [];
  const stats = {
    requests: 0,
    retries: 0,
    lostResponses: 0,
    deliberateResends: 0,
    resendsInSameBatch: 0,
    singlesAcked: 0,
  };
  // Per sender: the time of every event made, by n (one string per batch).
  const times = Array.from({ length: senders }, () => []);
  // Per sender: the highest n acknowledged so far, for picking resends.
  const ackedUpTo = Array.from({ length: senders }, () => -1);
  // Per backend: the highest incarnation that acknowledged a request.
  const ackedIncarnation = backends.map(() => 0);
  let stopping = false;
  let flushDeadline = Infinity;

  const makeData = dataOf[eventType];
  if (!makeData) throw new Error(`No load data for ${eventType}`);
  const makeEvent = (sender, n, time) => ({
    specversion: '1.0',
    type: eventType,
    source: sourceOf(sender),
    id: idOf(sender, n),
    time,
    datacontenttype: 'application/json',
    data: makeData(sender, n),
  });

  const count = outcome => {
    if (!outcomes[outcome]) {
      // The first of each kind, with its body, in the test's output.
      console.log(`first request outcome '${outcome}'`);
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };

  /**
   * One attempt: true when acknowledged. `lose` simulates a lost answer:
   * 'abort' cancels the request soon after sending it, 'drop' waits for the
   * answer and ignores it.
   */
  const attempt = async ({
    sender,
    events,
    single,
    target,
    attempts,
    lose,
  }) => {
    const backend = backends[target];
    const incarnation = backend.starts;
    // A backend still starting may answer 404 (its routes are not mounted
    // yet) or 503: retried, as a load balancer would, where a backend found
    // healthy must not.
    const starting = !backend.ready;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
    let abortTimer;
    if (lose === 'abort') {
      abortTimer = setTimeout(
        () => controller.abort(),
        Math.round(randomBetween(1, 25)),
      );
    }
    stats.requests += 1;
    try {
      const response = await fetch(
        `${backend.url}/api/delivery-pipeline/events`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${backend.token}`,
            'Content-Type': single
              ? 'application/cloudevents+json'
              : 'application/cloudevents-batch+json',
          },
          body: JSON.stringify(single ? events[0] : events),
          signal: controller.signal,
        },
      );
      const text = await response.text();
      if (lose) {
        count(`lost answer (${lose}, was ${response.status})`);
        stats.lostResponses += 1;
        return false;
      }
      if (response.status === 202) {
        const body = JSON.parse(text);
        if (body.accepted !== events.length || body.rejected?.length) {
          problems.push({
            sender,
            events: events.length,
            answer: JSON.stringify(body).slice(0, 500),
          });
        }
        count('202');
        const ackedAt = Date.now();
        ackedIncarnation[target] = Math.max(
          ackedIncarnation[target],
          incarnation,
        );
        if (single) stats.singlesAcked += 1;
        for (const event of events) {
          if (!acked.has(event.id)) {
            acked.set(event.id, {
              sentAt: event.sentAt,
              ackedAt,
              backend: target,
              incarnation,
              attempts,
            });
          }
        }
        return true;
      }
      if (starting && (response.status === 404 || response.status === 503)) {
        count(`${response.status} (starting)`);
        return false;
      }
      if (!outcomes[response.status]) {
        console.log(
          `first answer with status ${response.status}: ${
            text.slice(0, 300) || '(empty body)'
          }`,
        );
      }
      count(String(response.status));
      if (
        response.status >= 400 &&
        response.status < 500 &&
        response.status !== 408 &&
        response.status !== 429
      ) {
        // A client error is not fixed by sending the same again.
        problems.push({
          sender,
          events: events.length,
          answer: `${response.status} ${text.slice(0, 500)}`,
        });
        throw Object.assign(new Error('client error'), { giveUp: true });
      }
      return false;
    } catch (error) {
      if (error.giveUp) throw error;
      if (lose === 'abort' && controller.signal.aborted) {
        count('lost answer (abort)');
        stats.lostResponses += 1;
      } else {
        count(error.cause?.code ?? error.name);
      }
      return false;
    } finally {
      clearTimeout(timer);
      clearTimeout(abortTimer);
    }
  };

  /** Sends one request's events until acknowledged (or given up). */
  const deliver = async (sender, events, single, request) => {
    let target = (sender + request) % backends.length;
    const sentAt = Date.now();
    for (const event of events) {
      Object.defineProperty(event, 'sentAt', { value: sentAt });
    }
    let lose;
    if (request % lostResponseEvery === 0) {
      lose = request % (2 * lostResponseEvery) === 0 ? 'drop' : 'abort';
    }
    for (let attempts = 1; ; attempts += 1) {
      let ok = false;
      try {
        ok = await attempt({ sender, events, single, target, attempts, lose });
      } catch {
        break; // a client error: given up
      }
      if (ok) return;
      lose = undefined;
      if (Date.now() > flushDeadline) break;
      stats.retries += 1;
      // A load balancer's retry: the next backend, after a pause.
      target = (target + 1) % backends.length;
      await sleep(randomBetween(100, 250));
    }
    for (const event of events) {
      if (!acked.has(event.id)) unacknowledged.add(event.id);
    }
  };

  const run = async sender => {
    let n = 0;
    for (let request = 1; !stopping; request += 1) {
      const single = request % singleEvery === 0;
      const time = new Date().toISOString();
      const events = [];
      const resend = request % resendEvery === 0 && ackedUpTo[sender] >= 0;
      if (single && resend && request % (2 * resendEvery) === 0) {
        // A structured event that was acknowledged before.
        const old = Math.floor(Math.random() * (ackedUpTo[sender] + 1));
        events.push(makeEvent(sender, old, times[sender][old]));
        stats.deliberateResends += 1;
      } else {
        for (let i = single ? 1 : batchSize; i > 0; i -= 1, n += 1) {
          times[sender][n] = time;
          events.push(makeEvent(sender, n, time));
        }
        if (resend && !single) {
          for (let i = 0; i < resendCount; i += 1) {
            // Half recent (same or previous partition), half anything
            // acknowledged so far (an earlier partition: the lookback).
            const upTo = ackedUpTo[sender];
            const old =
              i % 2 === 0
                ? Math.max(0, upTo - Math.floor(Math.random() * 500))
                : Math.floor(Math.random() * (upTo + 1));
            events.push(makeEvent(sender, old, times[sender][old]));
            stats.deliberateResends += 1;
          }
          if (request % (3 * resendEvery) === 0) {
            // The same event twice in one batch.
            events.push(makeEvent(sender, n - 1, time));
            stats.resendsInSameBatch += 1;
          }
        }
      }
      await deliver(sender, events, single, request);
      for (const event of events) {
        const parsed = parseId(event.id);
        if (acked.has(event.id) && parsed.n > ackedUpTo[sender]) {
          ackedUpTo[sender] = parsed.n;
        }
      }
    }
  };
  const running = Array.from({ length: senders }, (_, sender) => run(sender));

  return {
    acked,
    unacknowledged,
    outcomes,
    problems,
    stats,
    /** Events made (each id once), acknowledged or not. */
    get sent() {
      return times.reduce((sum, list) => sum + list.length, 0);
    },
    /** Whether an id was ever made by a sender. */
    wasSent(id) {
      const parsed = parseId(id);
      return (
        parsed !== undefined &&
        parsed.sender < senders &&
        times[parsed.sender][parsed.n] !== undefined
      );
    },
    /** The event exactly as sent, or undefined for an id never sent. */
    expectedEvent(id) {
      const parsed = parseId(id);
      const time = parsed && times[parsed.sender]?.[parsed.n];
      return time === undefined
        ? undefined
        : makeEvent(parsed.sender, parsed.n, time);
    },
    /**
     * Waits until a request sent to the current incarnation of `backend`
     * was acknowledged.
     */
    async waitForAckFrom(backend, timeoutMs = 30_000) {
      const index = backends.indexOf(backend);
      const incarnation = backend.starts;
      const deadline = Date.now() + timeoutMs;
      while (ackedIncarnation[index] < incarnation) {
        if (Date.now() > deadline) {
          throw new Error(
            `No request was acknowledged by incarnation ${incarnation} of backend ${index} within ${
              timeoutMs / 1000
            } s; outcomes ${JSON.stringify(outcomes)}:\n${backend.logTail()}`,
          );
        }
        await sleep(100);
      }
    },
    /**
     * Stops making new events; the requests under way are retried until
     * acknowledged, for at most `flushTimeoutMs`.
     */
    async stop() {
      stopping = true;
      flushDeadline = Math.min(flushDeadline, Date.now() + flushTimeoutMs);
      await Promise.all(running);
    },
  };
}
