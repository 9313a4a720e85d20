import { Config } from '@backstage/config';
import { CustomErrorBase } from '@backstage/errors';

/** Registrations a principal may make per minute, unless configured. */
export const DEFAULT_REGISTRATIONS_PER_MINUTE = 30;

const WINDOW_MS = 60_000;

/** Too many registrations: 429, with the seconds to wait in `Retry-After`. */
export class TooManyRegistrationsError extends CustomErrorBase {
  name = 'TooManyRegistrationsError' as const;
  statusCode = 429;
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/**
 * Registrations (new event types and new versions) per principal in a
 * sliding minute. Each one compiles and compares schemas and notifies the
 * catalog and consumers, so one principal looping over the API could keep
 * the registry busy for everyone. In memory, per backend replica: a bound on
 * work, not a quota. A few lines rather than a middleware library, since
 * the key (the principal) is known only after authentication.
 */
export class RegistrationRateLimiter {
  readonly #perMinute: number;
  readonly #now: () => number;
  /** Times of each principal's registrations in the last minute, oldest first. */
  readonly #recent = new Map<string, number[]>();

  static fromConfig(config: Config): RegistrationRateLimiter {
    const perMinute =
      config.getOptionalNumber('eventSchemas.limits.registrationsPerMinute') ??
      DEFAULT_REGISTRATIONS_PER_MINUTE;
    if (!Number.isInteger(perMinute) || perMinute < 1) {
      throw new Error(
        `eventSchemas.limits.registrationsPerMinute must be a whole number from 1; got ${perMinute}`,
      );
    }
    return new RegistrationRateLimiter({ perMinute });
  }

  constructor(options: { perMinute: number; now?: () => number }) {
    this.#perMinute = options.perMinute;
    this.#now = options.now ?? Date.now;
  }

  /** Counts one registration of `principal`; throws when over the limit. */
  take(principal: string): void {
    const now = this.#now();
    this.#forgetBefore(now - WINDOW_MS);
    const times = this.#recent.get(principal) ?? [];
    if (times.length >= this.#perMinute) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((times[0] + WINDOW_MS - now) / 1000),
      );
      throw new TooManyRegistrationsError(
        `Too many registrations: at most ${
          this.#perMinute
        } event types and versions a minute per user or service (eventSchemas.limits.registrationsPerMinute); retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
    times.push(now);
    this.#recent.set(principal, times);
  }

  /** Drops what left the window, so memory follows active principals only. */
  #forgetBefore(cutoff: number) {
    for (const [principal, times] of this.#recent) {
      while (times.length > 0 && times[0] <= cutoff) times.shift();
      if (times.length === 0) this.#recent.delete(principal);
    }
  }
}
