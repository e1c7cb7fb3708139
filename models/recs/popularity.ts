// Popularity and trending: the cold-start model, and the baseline every other model must beat.
import type { Dataset, Interaction } from "./dataset";
import { DAY_MS } from "../../core/time";

/** How fast a signal stops counting as "trending": its weight halves every this many days. */
export const TRENDING_HALF_LIFE_DAYS = 7;

/** Per item: how many users have it among their positives. */
export function popularity(data: Dataset): Float32Array {
  const counts = new Float32Array(data.items.length);
  for (const items of data.positives) for (const i of items) counts[i]! += 1;
  return counts;
}

/** Per item: positive signal weight decayed by age at `now`, so this week's favourites rise. */
export function trending(
  data: Dataset,
  interactions: readonly Interaction[],
  now: number,
  halfLifeDays = TRENDING_HALF_LIFE_DAYS,
): Float32Array {
  const scores = new Float32Array(data.items.length);
  const lambda = Math.LN2 / (halfLifeDays * DAY_MS);
  for (const row of interactions) {
    const i = data.itemIndex.get(row.item);
    if (i === undefined || row.weight <= 0) continue;
    scores[i]! += row.weight * Math.exp(-lambda * Math.max(0, now - row.ts));
  }
  return scores;
}
