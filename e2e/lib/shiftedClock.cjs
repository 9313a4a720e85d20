// A shifted wall clock for the crash tests, loaded with `node --require`
// into a pipeline backend and the fake Google Cloud (never by the product:
// no package depends on it, and it refuses NODE_ENV=production).
//
//   DELIVERY_PIPELINE_TEST_CLOCK_FILE=<file>   holds the shift in ms, e.g. 3600000
//
// Date.now() and `new Date()` answer the real time plus the shift; the
// file is read at start and watched (every 100 ms), so a test moves the
// clock of a running fake, and of a backend it starts, by rewriting it.
// Only the wall clock moves: timers, performance.now() and the database
// server's now() keep real time.
//
// Why this is enough for hour-wide partitions in seconds: the pipeline takes
// every time it reasons with (receive times, partition ends, grace, leases,
// the consumer's watermark) from Date in its own process, and the
// Backstage scheduler takes its times from the database (knex.fn.now()),
// so tasks keep their real cadence. The test moves the clock forward only
// while the backend is down: to the backend, an hour passes while it is
// SIGKILLed, as after a real outage, and leases it held have expired when
// it is back. The fake Google Cloud, which stamps publish times and
// Monitoring samples, moves with it, as Google's clock would. Worker
// threads started with their own execArgv keep the real clock; of those
// only the local transport's reads it, for its leases, which it compares
// with its own readings only.
'use strict';

const { readFileSync, watchFile } = require('node:fs');

const file = process.env.DELIVERY_PIPELINE_TEST_CLOCK_FILE;
if (file) {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'DELIVERY_PIPELINE_TEST_CLOCK_FILE shifts the clock for tests: refused with NODE_ENV=production',
    );
  }
  const RealDate = Date;
  const read = () => {
    const shift = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isFinite(shift)) {
      throw new Error(`${file} does not hold a shift in milliseconds`);
    }
    return shift;
  };
  let shift = read();
  watchFile(file, { interval: 100, persistent: false }, () => {
    try {
      shift = read();
    } catch {
      // Caught half-written: the next change has it.
    }
  });
  const now = () => RealDate.now() + shift;
  // A function, not a class: `Date()` without `new` must still work.
  function ShiftedDate(...args) {
    if (!new.target) return new RealDate(now()).toString();
    return Reflect.construct(
      RealDate,
      args.length === 0 ? [now()] : args,
      new.target,
    );
  }
  // One prototype: dates made before and after are instances of both.
  ShiftedDate.prototype = RealDate.prototype;
  Object.setPrototypeOf(ShiftedDate, RealDate); // Date.parse, Date.UTC
  ShiftedDate.now = now;
  globalThis.Date = ShiftedDate;
}
