// Thompson-sampling budget allocation for creative tests: the Gamma sampler's moments, a clearly
// better creative gets most of the next day's budget, equal creatives split it evenly, the objective
// (revenue or conversions per cost) changes the answer, and the same data gives the same shares.
import { describe, expect, it } from "vitest";
import { ALLOCATION_DRAWS, sampleGamma, thompsonAllocation } from "../../models/experiments/allocation";
import { seededRandom } from "../../models/random";

describe("sampleGamma", () => {
  it("has the Gamma(shape, rate) mean and variance, for shapes above and below 1", () => {
    for (const [shape, rate] of [
      [3, 2],
      [0.5, 4],
      [40, 0.1],
    ] as const) {
      const random = seededRandom(7);
      const xs = Array.from({ length: 40_000 }, () => sampleGamma(shape, rate, random));
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
      expect(Math.abs(m / (shape / rate) - 1)).toBeLessThan(0.02);
      expect(Math.abs(v / (shape / rate ** 2) - 1)).toBeLessThan(0.06);
    }
  });
});

describe("thompsonAllocation", () => {
  it("gives a clearly better creative most of the budget", () => {
    const a = thompsonAllocation([
      { cost: 1000, conversions: 20, revenue: 2000 },
      { cost: 1000, conversions: 40, revenue: 4000 },
    ]);
    expect(a.shares[1]).toBeGreaterThan(0.95);
    expect(a.shares[0]! + a.shares[1]!).toBeCloseTo(1, 12);
    expect(a.expected[1]).toBeGreaterThan(a.expected[0]!);
  });

  it("splits near evenly between equal creatives", () => {
    const two = thompsonAllocation([
      { cost: 500, conversions: 30, revenue: 3000 },
      { cost: 500, conversions: 30, revenue: 3000 },
    ]);
    for (const s of two.shares) expect(Math.abs(s - 0.5)).toBeLessThan(0.02);
    const three = thompsonAllocation(
      Array.from({ length: 3 }, () => ({ cost: 800, conversions: 12, revenue: 1500 })),
      "conversions",
    );
    for (const s of three.shares) expect(Math.abs(s - 1 / 3)).toBeLessThan(0.02);
  });

  it("answers the objective asked: cheap conversions or revenue per cost", () => {
    const arms = [
      { cost: 1000, conversions: 100, revenue: 2000 }, // many small orders
      { cost: 1000, conversions: 50, revenue: 5000 }, // fewer, larger orders
    ];
    expect(thompsonAllocation(arms, "conversions").shares[0]).toBeGreaterThan(0.95);
    expect(thompsonAllocation(arms, "revenue").shares[1]).toBeGreaterThan(0.95);
  });

  it("explores a creative with no spend or sales yet, and repeats exactly for the same data", () => {
    const arms = [
      { cost: 2000, conversions: 10, revenue: 1000 },
      { cost: 0, conversions: 0, revenue: 0 },
    ];
    const first = thompsonAllocation(arms);
    expect(first.shares[1]).toBeGreaterThan(0.05);
    expect(first.shares[1]).toBeLessThan(0.95);
    expect(thompsonAllocation(arms)).toEqual(first);
    expect(first.shares.every((s) => Number.isInteger(s * ALLOCATION_DRAWS))).toBe(true);
  });
});
