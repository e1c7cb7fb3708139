// Thompson sampling for creative budgets (the promotion model's max Σy/Σc): each creative's share of
// the next day's budget is the posterior probability that it has the highest return per unit of
// cost, estimated by a seeded Monte Carlo. Conversions per unit cost get a Gamma posterior
// (Poisson conversions over spend); revenue per cost multiplies that by a Gamma posterior on the
// value per conversion. Priors are weak and centred on the pooled figures (one pseudo-observation),
// so a creative without spend or sales still gets explored.
import { seededRandom } from "../random";

/** Draws per allocation: the shares' Monte Carlo error is about √(p(1−p)/draws) < 0.005. */
export const ALLOCATION_DRAWS = 10_000;
export const ALLOCATION_SEED = 20261201;
export const ALLOCATION_OBJECTIVES = ["revenue", "conversions"] as const;
export type AllocationObjective = (typeof ALLOCATION_OBJECTIVES)[number];

export interface CreativeOutcome {
  /** Spend in major units of the site's currency. */
  cost: number;
  conversions: number;
  /** Revenue in major units of the site's currency. */
  revenue: number;
}

export interface Allocation {
  /** Per creative: the suggested share of the next day's budget (sums to 1). */
  shares: number[];
  /** Per creative: the posterior mean of return per unit of cost (conversions or revenue per 1 spent). */
  expected: number[];
}

/** Standard normal by Box–Muller. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia and Tsang (shape < 1 boosted with U^(1/shape)). */
export function sampleGamma(shape: number, rate: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, rate, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v ** 3;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function thompsonAllocation(
  arms: CreativeOutcome[],
  objective: AllocationObjective = "revenue",
  draws = ALLOCATION_DRAWS,
  seed = ALLOCATION_SEED,
): Allocation {
  const total = arms.reduce(
    (s, a) => ({ cost: s.cost + a.cost, conversions: s.conversions + a.conversions, revenue: s.revenue + a.revenue }),
    { cost: 0, conversions: 0, revenue: 0 },
  );
  // Prior Gamma(1, β0) on conversions per cost with mean the pooled rate (plus one conversion, so never 0).
  const priorRate = total.cost > 0 ? total.cost / (total.conversions + 1) : 1;
  const pooledValue = total.conversions > 0 ? total.revenue / total.conversions : 1;
  const posterior = arms.map((a) => ({
    rate: [1 + a.conversions, priorRate + a.cost] as const,
    // Value per conversion: mean (revenue + pooled value)/(k + 1), tighter as conversions k grow.
    value: [a.conversions + 1, (a.conversions + 1) ** 2 / (a.revenue + pooledValue)] as const,
  }));
  const wins = arms.map(() => 0);
  const random = seededRandom(seed);
  for (let i = 0; i < draws; i++) {
    let best = 0;
    let bestValue = -Infinity;
    for (const [j, p] of posterior.entries()) {
      let r = sampleGamma(p.rate[0], p.rate[1], random);
      if (objective === "revenue") r *= sampleGamma(p.value[0], p.value[1], random);
      if (r > bestValue) [best, bestValue] = [j, r];
    }
    wins[best]!++;
  }
  return {
    shares: wins.map((w) => w / draws),
    expected: posterior.map((p) => (p.rate[0] / p.rate[1]) * (objective === "revenue" ? p.value[0] / p.value[1] : 1)),
  };
}
