import { EventType } from '@data-collection/plugin-event-schemas-common';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The reminders before a sunset, most distant first: each is sent when that
 * much time is left. `retired` is sent at retirement.
 */
export const SUNSET_STAGES = [
  { stage: 'P30D', beforeMs: 30 * DAY_MS, words: '30 days' },
  { stage: 'P7D', beforeMs: 7 * DAY_MS, words: '7 days' },
  { stage: 'P1D', beforeMs: DAY_MS, words: '1 day' },
] as const;

/** A stage of the reminders: one of {@link SUNSET_STAGES}, or `retired`. */
export type SunsetStage = (typeof SUNSET_STAGES)[number]['stage'] | 'retired';

/** How long after a retirement its consumers are still told of it. */
export const RETIRED_NOTICE_MS = 7 * DAY_MS;

/**
 * The reminder due for a deprecated type at `now`: the most imminent stage
 * whose moment has come. Earlier stages that were skipped (the task did not
 * run, or the sunset was set closer than them) are not sent late, and a
 * stage whose moment came before the type was deprecated is not sent at
 * all, since the deprecation notice already said when the sunset is.
 */
export function dueSunsetStage(
  eventType: EventType,
  now: Date,
): (typeof SUNSET_STAGES)[number] | undefined {
  const deprecation = eventType.deprecation;
  if (!deprecation?.sunsetAt || deprecation.retiredAt) return undefined;
  const sunsetAt = Date.parse(deprecation.sunsetAt);
  const deprecatedAt = Date.parse(deprecation.deprecatedAt);
  const left = sunsetAt - now.getTime();
  if (left <= 0) return undefined;
  const due = SUNSET_STAGES.filter(({ beforeMs }) => left <= beforeMs).pop();
  if (!due || deprecatedAt >= sunsetAt - due.beforeMs) return undefined;
  return due;
}
