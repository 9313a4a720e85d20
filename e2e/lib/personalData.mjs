// Personal data in the reliability tests: delivered events hold the data
// subject as a pseudonym (`ps1:`) and personal fields sealed (`pd1:`); the
// tests open them through a running backend's decrypt API
// (POST /api/delivery-pipeline/personal-data/decrypt), as an allowed batch
// job would, to compare them with what was sent.

const BATCH = 5000;

const isSealed = value =>
  typeof value === 'string' &&
  (value.startsWith('pd1:') || value.startsWith('ps1:'));

/** Calls `visit` on every string under `holder[key]`, replacing it. */
function replaceStrings(holder, key, visit) {
  const value = holder[key];
  if (typeof value === 'string') {
    holder[key] = visit(value);
  } else if (Array.isArray(value)) {
    value.forEach((_, i) => replaceStrings(value, i, visit));
  } else if (value && typeof value === 'object') {
    Object.keys(value).forEach(name => replaceStrings(value, name, visit));
  }
}

/**
 * The sealed values and pseudonyms under each event's `data`, and how many
 * of each there are.
 */
export function sealedValuesOf(events) {
  const values = new Set();
  let sealed = 0;
  let pseudonyms = 0;
  for (const event of events) {
    replaceStrings(event, 'data', value => {
      if (isSealed(value)) {
        values.add(value);
        if (value.startsWith('pd1:')) sealed += 1;
        else pseudonyms += 1;
      }
      return value;
    });
  }
  return { values, sealed, pseudonyms };
}

/**
 * Opens the personal data of `events` in place through `backend`'s decrypt
 * API (its static token is a service principal: allowed). Resolves to the
 * values that did not open (erased or unreadable), which should be none.
 */
export async function openPersonalData({ backend, eventType, events }) {
  const { values } = sealedValuesOf(events);
  const all = [...values];
  const opened = new Map();
  for (let i = 0; i < all.length; i += BATCH) {
    const batch = all.slice(i, i + BATCH);
    const response = await fetch(
      `${backend.url}/api/delivery-pipeline/personal-data/decrypt`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${backend.token}`,
        },
        body: JSON.stringify({
          eventType,
          values: batch,
          source: 'crash test',
        }),
      },
    );
    if (!response.ok) {
      throw new Error(
        `decrypt answered ${response.status}: ${await response.text()}`,
      );
    }
    const { results } = await response.json();
    batch.forEach((value, j) => opened.set(value, results[j]));
  }
  const failed = [];
  for (const event of events) {
    replaceStrings(event, 'data', value => {
      const result = opened.get(value);
      if (!result) return value;
      if ('value' in result) return result.value;
      failed.push(`${event.id}: ${value} is ${result.state}`);
      return value;
    });
  }
  return { failed };
}
