// Failpoints: named places in the pipeline where a crash could lose or
// duplicate data (after a durable write, before it is acknowledged or
// recorded), as TiKV's `fail-rs` and FoundationDB's buggify have them. The
// crash tests arm one by name and the process SIGKILLs itself right there,
// so "exactly once" is shown at the risky moments rather than at random
// ones.
//
// Armed by the environment, read once when this module loads:
//
// ```
// DELIVERY_PIPELINE_FAILPOINTS=<name>=crash[@<hit>][,<name>=crash[@<hit>]...]
// DELIVERY_PIPELINE_FAILPOINTS_LOG=<file>    (optional)
// ```
//
// `consumer.after-record=crash` crashes at the first time the consumer gets
// there, `dedupe.mid-delivery=crash@3` at the third (counted per process,
// and per worker thread, which loads its own copy of this module). Names
// are `<stage>.<moment>`: lower-case words joined by `-`, stage and moment
// by `.`. A failpoint that fires appends its name and a newline to the log
// file (synchronously, so the line is there when the process is gone) and
// sends SIGKILL to its own process, which takes every thread with it and
// runs no clean-up, like a power cut. A malformed spec is an error at load,
// so a typo cannot quietly disarm a crash test; so is arming in production
// (`NODE_ENV=production`).
import { appendFileSync } from 'node:fs';

/**
 * An armed failpoint.
 *
 * @public
 */
export type FailpointAction = {
  /** What the failpoint does; `crash` is the only action. */
  action: 'crash';
  /** Fires on this hit (1 = the first); the hits before pass. */
  hit: number;
};

/**
 * The environment variable that arms failpoints.
 *
 * @public
 */
export const FAILPOINTS_ENV = 'DELIVERY_PIPELINE_FAILPOINTS';
/**
 * The environment variable naming the file fired failpoints append to.
 *
 * @public
 */
export const FAILPOINTS_LOG_ENV = 'DELIVERY_PIPELINE_FAILPOINTS_LOG';

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;
const SPEC = /^([^=\s]+)=(crash)(?:@([1-9][0-9]*))?$/;

/**
 * Parses the value of `DELIVERY_PIPELINE_FAILPOINTS`: armed failpoints by
 * name. Empty or blank: none. Throws on anything it does not understand.
 *
 * @public
 */
export function parseFailpoints(spec: string): Map<string, FailpointAction> {
  const armed = new Map<string, FailpointAction>();
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = SPEC.exec(item);
    if (!match || !NAME.test(match[1])) {
      throw new Error(
        `${FAILPOINTS_ENV}: cannot read '${item}'; expected <stage>.<moment>=crash or <stage>.<moment>=crash@<hit>, e.g. consumer.after-record=crash@2`,
      );
    }
    const [, name, , hit] = match;
    if (armed.has(name)) {
      throw new Error(`${FAILPOINTS_ENV}: ${name} is armed twice`);
    }
    armed.set(name, { action: 'crash', hit: hit ? Number(hit) : 1 });
  }
  return armed;
}

/** What {@link failpoint} does when one fires; tests replace it. */
type Fire = (name: string) => void;

const crash: Fire = name => {
  const log = process.env[FAILPOINTS_LOG_ENV];
  if (log) appendFileSync(log, `${name}\n`);
  process.kill(process.pid, 'SIGKILL');
};

/**
 * The failpoints of this process: undefined when none is armed, which
 * keeps {@link failpoint} at one comparison.
 */
class Failpoints {
  readonly #armed: Map<string, FailpointAction>;
  readonly #hits = new Map<string, number>();
  readonly #fire: Fire;

  constructor(armed: Map<string, FailpointAction>, fire: Fire) {
    this.#armed = armed;
    this.#fire = fire;
  }

  reach(name: string): void {
    const armed = this.#armed.get(name);
    if (!armed) return;
    const hits = (this.#hits.get(name) ?? 0) + 1;
    this.#hits.set(name, hits);
    if (hits === armed.hit) this.#fire(name);
  }
}

/** Reads the environment; throws on a malformed spec or in production. */
export function failpointsFromEnv(
  env: NodeJS.ProcessEnv,
  fire: Fire = crash,
): Failpoints | undefined {
  const spec = env[FAILPOINTS_ENV];
  if (!spec?.trim()) return undefined;
  if (env.NODE_ENV === 'production') {
    throw new Error(
      `${FAILPOINTS_ENV} is set, but failpoints crash the process on purpose and are for tests only: refused with NODE_ENV=production`,
    );
  }
  return new Failpoints(parseFailpoints(spec), fire);
}

let active: Failpoints | undefined = failpointsFromEnv(process.env);

/**
 * Marks a step where a crash could lose or duplicate data. Does nothing
 * unless `DELIVERY_PIPELINE_FAILPOINTS` arms `name`; then, on the armed
 * hit, records the name and SIGKILLs the process (see
 * {@link FailpointAction}).
 *
 * @param name - `<stage>.<moment>`, e.g. `consumer.after-record`; listed
 *   in the delivery pipeline backend's README.
 * @public
 */
export function failpoint(name: string): void {
  if (active === undefined) return;
  active.reach(name);
}

/**
 * For unit tests: arms failpoints from `spec` with `fire` instead of a
 * crash; `undefined` disarms. Returns what was armed before, to restore.
 *
 * @internal
 */
export function armFailpointsForTest(
  spec: string | undefined,
  fire?: Fire,
): () => void {
  const before = active;
  active =
    spec === undefined
      ? undefined
      : failpointsFromEnv({ [FAILPOINTS_ENV]: spec }, fire);
  return () => {
    active = before;
  };
}
