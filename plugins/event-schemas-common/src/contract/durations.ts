import { ContractError, ContractSlaProperty } from './types';

// ODCS gives an SLA value a number and a unit ("d", "y"); the registry keeps
// ISO 8601 durations. A duration of days, hours, minutes and seconds only
// becomes a whole number of its largest unit that fits; any other (months,
// mixed years) is kept as its ISO text, which the standard also allows.
const UNITS: Array<[string, number]> = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];
const ISO_DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** An SLA property for an ISO 8601 duration, e.g. `PT2H` → 2 h. */
export function durationSla(options: {
  property: string;
  duration: string;
  description: string;
}): ContractSlaProperty {
  const { property, duration, description } = options;
  const match = ISO_DURATION.exec(duration);
  const [years, months, weeks, days, hours, minutes, seconds] = (
    match?.slice(1) ?? []
  ).map(part => Number(part ?? 0));
  if (
    match &&
    !months &&
    (!years || (!weeks && !days && !hours && !minutes && !seconds))
  ) {
    if (years) {
      return { property, value: years, unit: 'y', description };
    }
    const total =
      ((weeks * 7 + days) * 24 + hours) * 3600 + minutes * 60 + seconds;
    const [unit, size] = UNITS.find(([, s]) => total % s === 0)!;
    return { property, value: total / size, unit, description };
  }
  return { property, value: duration, description };
}

const UNIT_NAMES: Record<string, string> = {
  y: 'Y',
  yr: 'Y',
  yrs: 'Y',
  year: 'Y',
  years: 'Y',
  d: 'D',
  day: 'D',
  days: 'D',
  h: 'H',
  hr: 'H',
  hrs: 'H',
  hour: 'H',
  hours: 'H',
  m: 'M',
  min: 'M',
  mins: 'M',
  minute: 'M',
  minutes: 'M',
  s: 'S',
  sec: 'S',
  secs: 'S',
  second: 'S',
  seconds: 'S',
};

/** The ISO 8601 duration of an SLA property, or a ContractError saying why not. */
export function slaDuration(sla: {
  property: string;
  value: unknown;
  unit?: unknown;
}): string {
  const { property, value, unit } = sla;
  if (typeof value === 'string' && unit === undefined) {
    if (ISO_DURATION.test(value) && value !== 'P' && !value.endsWith('T')) {
      return value;
    }
    throw new ContractError(
      `slaProperties '${property}': value '${value.slice(
        0,
        50,
      )}' is not an ISO 8601 duration such as PT4H; or give a number with a unit`,
    );
  }
  const amount = typeof value === 'string' ? Number(value) : value;
  const iso =
    typeof unit === 'string' ? UNIT_NAMES[unit.toLowerCase()] : undefined;
  if (
    typeof amount !== 'number' ||
    !Number.isInteger(amount) ||
    amount <= 0 ||
    iso === undefined
  ) {
    throw new ContractError(
      `slaProperties '${property}': needs a whole positive number and a unit of y, d, h, m or s; got value ${JSON.stringify(
        value,
      )?.slice(0, 50)} and unit ${JSON.stringify(unit)?.slice(0, 20)}`,
    );
  }
  return iso === 'Y' || iso === 'D' ? `P${amount}${iso}` : `PT${amount}${iso}`;
}
