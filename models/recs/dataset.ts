// Implicit feedback as the recommenders see it: who did what with which item, and when. Built the
// same way from captured events (jobs/recs) and from the eval files (scripts/eval-recs), so
// training in the Worker and measuring in Node share one code path.

/** One signal: a positive weight is interest (a view, a purchase), zero means "seen, not liked". */
export interface Interaction {
  user: string;
  item: string;
  ts: number;
  weight: number;
}

/** Users and items as dense indices, with each user's positive and seen items. */
export interface Dataset {
  users: string[];
  items: string[];
  userIndex: Map<string, number>;
  itemIndex: Map<string, number>;
  /** Per user: item indices with positive total weight, most recent first. */
  positives: Int32Array[];
  /** Per user: every item they interacted with, positive or not (never recommended back). */
  seen: Set<number>[];
}

function indexOf(map: Map<string, number>, list: string[], key: string): number {
  let index = map.get(key);
  if (index === undefined) {
    index = list.length;
    map.set(key, index);
    list.push(key);
  }
  return index;
}

/**
 * Aggregates interactions per (user, item). `catalog` fixes the item list (items with no signal
 * still get an index, so a new course can be scored); otherwise items come from the data.
 */
export function buildDataset(interactions: readonly Interaction[], catalog?: readonly string[]): Dataset {
  const users: string[] = [];
  const items: string[] = [...(catalog ?? [])];
  const userIndex = new Map<string, number>();
  const itemIndex = new Map(items.map((id, i) => [id, i]));
  const totals: Map<number, { weight: number; ts: number }>[] = [];
  for (const row of interactions) {
    if (catalog && !itemIndex.has(row.item)) continue;
    const u = indexOf(userIndex, users, row.user);
    const i = indexOf(itemIndex, items, row.item);
    const byItem = (totals[u] ??= new Map());
    const total = byItem.get(i);
    if (total) {
      total.weight += row.weight;
      total.ts = Math.max(total.ts, row.ts);
    } else byItem.set(i, { weight: row.weight, ts: row.ts });
  }
  const positives = totals.map((byItem) =>
    Int32Array.from(
      [...byItem.entries()]
        .filter(([, t]) => t.weight > 0)
        .sort((a, b) => b[1].ts - a[1].ts)
        .map(([i]) => i),
    ),
  );
  const seen = totals.map((byItem) => new Set(byItem.keys()));
  return { users, items, userIndex, itemIndex, positives, seen };
}

/** Share of each user's positives held out, by time, for evaluation and model promotion. */
export const HOLDOUT_FRACTION = 0.2;

/**
 * Time-based holdout: per user, the chronologically last 20% of positives (at least one, for
 * users with two or more) are the test set; everything else trains. Returns test item ids per user.
 */
export function timeHoldout(
  interactions: readonly Interaction[],
  isPositive: (row: Interaction) => boolean = (row) => row.weight > 0,
  fraction = HOLDOUT_FRACTION,
): { train: Interaction[]; test: Map<string, string[]> } {
  const byUser = new Map<string, Interaction[]>();
  for (const row of interactions) {
    if (!isPositive(row)) continue;
    const list = byUser.get(row.user);
    if (list) list.push(row);
    else byUser.set(row.user, [row]);
  }
  const held = new Set<Interaction>();
  const test = new Map<string, string[]>();
  for (const [user, rows] of byUser) {
    if (rows.length < 2) continue;
    // Ties in time (MovieLens users often rate in one sitting) break by item id: deterministic.
    rows.sort((a, b) => a.ts - b.ts || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    const n = Math.max(1, Math.round(rows.length * fraction));
    const tail = rows.slice(rows.length - n);
    for (const row of tail) held.add(row);
    test.set(user, [...new Set(tail.map((r) => r.item))]);
  }
  return { train: interactions.filter((row) => !held.has(row)), test };
}
