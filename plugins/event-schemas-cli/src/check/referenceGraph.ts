/**
 * For each event type, the changed types it reaches through references,
 * at any depth (itself excluded): walks the reverse of the reference graph
 * from each changed type, so every referrer of a change is found however
 * far up it sits, each visited once per change.
 */
export function changesBelow(options: {
  /** Each type's direct references, by name (both sides of a change). */
  references: ReadonlyMap<string, Iterable<string>>;
  changed: Iterable<string>;
}): Map<string, Set<string>> {
  const referrers = new Map<string, Set<string>>();
  for (const [from, targets] of options.references) {
    for (const target of targets) {
      if (!referrers.has(target)) referrers.set(target, new Set());
      referrers.get(target)!.add(from);
    }
  }
  const below = new Map<string, Set<string>>();
  for (const change of options.changed) {
    const seen = new Set<string>([change]);
    const queue = [change];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const referrer of referrers.get(current) ?? []) {
        if (seen.has(referrer)) continue;
        seen.add(referrer);
        queue.push(referrer);
        if (!below.has(referrer)) below.set(referrer, new Set());
        below.get(referrer)!.add(change);
      }
    }
  }
  return below;
}
