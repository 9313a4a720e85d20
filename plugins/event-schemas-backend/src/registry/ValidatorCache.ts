import {
  compileValidator,
  EventTypeFormat,
} from '@internal/plugin-event-schemas-common';

/** Validates one event's data: the errors say where and what. */
export type Validator = (data: unknown) => { valid: boolean; errors: string[] };

/**
 * Compiled validators, one per event type version, least recently used
 * evicted first. Versions are immutable, so an entry never goes stale.
 */
export class ValidatorCache {
  private readonly entries = new Map<string, Validator>();

  constructor(private readonly maxEntries = 1000) {}

  get(options: {
    eventType: string;
    version: number;
    format: EventTypeFormat;
    schema: string;
  }): Validator {
    const key = `${options.eventType}\u0000${options.version}`;
    let validator = this.entries.get(key);
    if (validator) {
      // Re-insert to mark as most recently used.
      this.entries.delete(key);
    } else {
      validator = compileValidator({
        format: options.format,
        schema: options.schema,
      });
    }
    this.entries.set(key, validator);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return validator;
  }
}
