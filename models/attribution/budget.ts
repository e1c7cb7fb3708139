// Budget advice: fit each channel's daily spend -> attributed revenue response with a concave
// curve, revenue = a * spend^b (0 < b <= 1: diminishing returns), by least squares, then move a
// daily budget to where the next unit of spend returns most. Pure.

export interface DailyPoint {
  cost: number;
  revenue: number;
}

export interface ResponseCurve {
  a: number;
  b: number;
  /** Standard error of a (b held at its fitted value). */
  aStdError: number;
  r2: number;
  days: number;
  maxObservedCost: number;
}

/** A channel needs this many days with spend before its curve is trusted. */
export const MIN_SPEND_DAYS = 7;
/** Suggestions stop at this multiple of the highest daily spend seen: no far extrapolation. */
export const EXTRAPOLATION_CAP = 1.5;
const EXPONENTS = Array.from({ length: 17 }, (_, i) => 0.2 + i * 0.05); // 0.20 .. 1.00

/** Least squares for each exponent on the grid (a has a closed form for a fixed b); best fit wins. */
export function fitCurve(points: readonly DailyPoint[]): ResponseCurve | undefined {
  const used = points.filter((p) => p.cost > 0);
  if (used.length < MIN_SPEND_DAYS) return undefined;
  const mean = used.reduce((n, p) => n + p.revenue, 0) / used.length;
  const total = used.reduce((n, p) => n + (p.revenue - mean) ** 2, 0);
  let best: ResponseCurve | undefined;
  let bestSse = Infinity;
  for (const b of EXPONENTS) {
    const x = used.map((p) => p.cost ** b);
    const sxx = x.reduce((n, v) => n + v * v, 0);
    const a = x.reduce((n, v, i) => n + v * used[i]!.revenue, 0) / sxx;
    const sse = used.reduce((n, p, i) => n + (p.revenue - a * x[i]!) ** 2, 0);
    if (sse < bestSse - 1e-12) {
      bestSse = sse;
      best = {
        a,
        b,
        aStdError: Math.sqrt(sse / Math.max(1, used.length - 1) / sxx),
        r2: total > 0 ? 1 - sse / total : 1,
        days: used.length,
        maxObservedCost: used.reduce((max, p) => Math.max(max, p.cost), 0),
      };
    }
  }
  return best;
}

export const predict = (c: ResponseCurve, spend: number) => c.a * spend ** c.b;

export interface Allocation {
  spend: Map<string, number>;
  /** Budget that could not be placed without extrapolating past every channel's cap. */
  unallocated: number;
}

/**
 * Greedy water-filling in small steps: each step goes to the channel whose next step returns the
 * most, until the budget is placed or every channel is at its cap. Optimal for concave curves.
 */
/** The budget is placed in this many equal steps. */
export const ALLOCATION_STEPS = 2000;

export function allocate(
  curves: ReadonlyMap<string, ResponseCurve>,
  budget: number,
  steps = ALLOCATION_STEPS,
): Allocation {
  const spend = new Map([...curves.keys()].map((k) => [k, 0]));
  const step = budget / steps;
  let left = budget;
  while (left > step / 2) {
    let bestChannel: string | undefined;
    let bestGain = -Infinity;
    for (const [channel, curve] of curves) {
      const current = spend.get(channel)!;
      const cap = curve.maxObservedCost * EXTRAPOLATION_CAP;
      if (current + step > cap + 1e-9) continue;
      const gain = predict(curve, current + step) - predict(curve, current);
      if (gain > bestGain) {
        bestGain = gain;
        bestChannel = channel;
      }
    }
    if (!bestChannel) break;
    spend.set(bestChannel, spend.get(bestChannel)! + step);
    left -= step;
  }
  return { spend, unallocated: Math.max(0, left) };
}
