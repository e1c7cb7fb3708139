// The attribution engine on hand-computed paths, and Markov on ChannelAttribution's vignette.
import { describe, expect, it } from "vitest";
import { attribute } from "../../models/attribution/attribute";
import { touchWeights } from "../../models/attribution/heuristics";
import { conversionProbability, markovAttribution } from "../../models/attribution/markov";
import { type ConversionPath, MODEL_NAMES, parsePath } from "../../models/attribution/paths";

const path = (p: string, conversions = 1, value = 0, nulls = 0): ConversionPath => ({
  channels: parsePath(p),
  conversions,
  value,
  nulls,
});
const opts = { halfLifeDays: 7 };

describe("heuristic models, by hand", () => {
  const p = path("Paid Search > Organic Social > Direct > Email", 1, 100);
  it.each([
    ["first_touch", [1, 0, 0, 0]],
    ["last_touch", [0, 0, 0, 1]],
    ["linear", [0.25, 0.25, 0.25, 0.25]],
    ["position_based", [0.4, 0.1, 0.1, 0.4]],
  ] as const)("%s", (model, expected) => {
    expect(touchWeights(model, p, opts)).toEqual(expected);
  });

  it("last non-direct skips trailing Direct touches, and keeps Direct when that is all there is", () => {
    expect(touchWeights("last_non_direct", path("Email > Organic Search > Direct > Direct"), opts)).toEqual([
      0, 1, 0, 0,
    ]);
    expect(touchWeights("last_non_direct", path("Direct > Direct"), opts)).toEqual([0, 1]);
  });

  it("position based with one and two touches", () => {
    expect(touchWeights("position_based", path("A"), opts)).toEqual([1]);
    expect(touchWeights("position_based", path("A > B"), opts)).toEqual([0.5, 0.5]);
  });

  it("time decay halves a touch's weight every half-life", () => {
    // Touches 14, 7 and 0 days before the conversion: raw weights 1/4, 1/2, 1 -> 1/7, 2/7, 4/7.
    const w = touchWeights("time_decay", { ...path("A > B > C"), daysBefore: [14, 7, 0] }, opts);
    expect(w[0]).toBeCloseTo(1 / 7, 12);
    expect(w[1]).toBeCloseTo(2 / 7, 12);
    expect(w[2]).toBeCloseTo(4 / 7, 12);
  });

  it("credits conversions and value; non-converting paths earn nothing", () => {
    const result = attribute([path("A > B", 2, 300), path("B", 1, 50), path("A > C", 0, 0, 9)], {
      models: ["first_touch", "linear"],
      order: 1,
      halfLifeDays: 7,
    });
    const row = (c: string) => result.channels.find((r) => r.channel === c)!;
    expect(row("A").first_touch).toEqual({ conversions: 2, value: 300 });
    expect(row("B").first_touch).toEqual({ conversions: 1, value: 50 });
    expect(row("A").linear).toEqual({ conversions: 1, value: 150 });
    expect(row("B").linear).toEqual({ conversions: 2, value: 200 });
    expect(row("C").linear).toEqual({ conversions: 0, value: 0 });
    expect(result.totals).toEqual({ conversions: 3, value: 350, paths: 12 });
  });
});

describe("Markov chain", () => {
  it("reproduces ChannelAttribution's vignette: removal effects A = 1, B = 0.5; conversions A = 2, B = 1", () => {
    const paths = [path("A > B > A > B > B > A"), path("A > B > B > A > A"), path("A > A")];
    const m = markovAttribution(paths);
    expect(m.removalEffects.get("A")).toBeCloseTo(1, 12);
    expect(m.removalEffects.get("B")).toBeCloseTo(0.5, 12);
    expect(m.conversions.get("A")).toBeCloseTo(2, 12);
    expect(m.conversions.get("B")).toBeCloseTo(1, 12);
    expect(m.conversionProbability).toBeCloseTo(1, 12);
    expect(m.transitionMatrix["(start)"]).toEqual({ A: 1 });
    expect(m.transitionMatrix.A).toEqual({ B: 0.5, "(conversion)": 0.5 });
    expect(m.transitionMatrix.B).toEqual({ A: 1 });
  });

  it("uses non-converting paths and matches a hand-solved chain", () => {
    // start->A 1/2, start->B 1/2; A->conv 1/2, A->null 1/2 (1 conv, 1 null); B->A 1 ... see counts below.
    const paths = [path("A", 1, 10, 1), path("B > A", 1, 10, 0), path("B", 0, 0, 2)];
    // Counts: start->A 2, start->B 3; A->conv 2, A->null 1; B->A 1, B->null 2.
    // P(conv|A) = 2/3; P(conv|B) = 1/3 * 2/3 = 2/9; P(conv|start) = 2/5*2/3 + 3/5*2/9 = 4/15 + 2/15 = 2/5.
    const m = markovAttribution(paths);
    expect(m.conversionProbability).toBeCloseTo(2 / 5, 12);
    // Without A nothing converts (RE 1); without B: 2/5 * 2/3 = 4/15 -> RE = 1 - (4/15)/(2/5) = 1/3.
    expect(m.removalEffects.get("A")).toBeCloseTo(1, 12);
    expect(m.removalEffects.get("B")).toBeCloseTo(1 / 3, 12);
    expect(m.conversions.get("A")! + m.conversions.get("B")!).toBeCloseTo(2, 12);
    expect(m.conversions.get("A")).toBeCloseTo(1.5, 12);
    expect(m.value.get("A")! + m.value.get("B")!).toBeCloseTo(20, 9);
  });

  it("solves large chains iteratively: the start's conversion probability equals the observed rate", () => {
    // A ring of 700 third-order states exceeds the dense limit.
    const channels = Array.from({ length: 12 }, (_, i) => `c${i}`);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const paths = Array.from({ length: 3000 }, () => {
      const n = 1 + Math.floor(rand() * 5);
      return path(
        Array.from({ length: n }, () => channels[Math.floor(rand() * 12)]).join(" > "),
        rand() < 0.3 ? 1 : 0,
        0,
        rand() < 0.7 ? 1 : 0,
      );
    }).filter((p) => p.conversions + p.nulls > 0);
    const big = markovAttribution(paths, 3);
    expect(Object.keys(big.transitionMatrix).length).toBeGreaterThan(600);
    const conversions = paths.reduce((n, p) => n + p.conversions, 0);
    const nulls = paths.reduce((n, p) => n + p.nulls, 0);
    expect(big.conversionProbability).toBeCloseTo(conversions / (conversions + nulls), 9); // every path ends once
    expect([...big.conversions.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(conversions, 6);
  });

  it("the dead-end solver gives zero when the start itself is removed", () => {
    const m = markovAttribution([path("A")]);
    expect(m.conversionProbability).toBe(1);
    expect(
      conversionProbability(
        { names: ["(start)"], channels: [new Set()], next: [new Map()], toConversion: [0], toNull: [0] },
        () => true,
      ),
    ).toBe(0);
  });

  it("model names are exactly the documented ones", () => {
    expect(MODEL_NAMES).toEqual([
      "first_touch",
      "last_touch",
      "last_non_direct",
      "linear",
      "time_decay",
      "position_based",
      "markov",
    ]);
  });
});
