// Markov value with value_method=channelattribution, against numbers worked out by hand and
// against a second implementation written here from ChannelAttribution's definition.
import { describe, expect, it } from "vitest";
import { markovAttribution } from "../../models/attribution/markov";
import { type ConversionPath, parsePath } from "../../models/attribution/paths";
import { api, createSite, expectError } from "./helpers";

const path = (p: string, conversions: number, value: number, nulls: number): ConversionPath => ({
  channels: parsePath(p),
  conversions,
  value,
  nulls,
});

/**
 * ChannelAttribution's markov_model credits a simulated conversion's value (drawn from the values
 * per conversion of the paths that converted from the last channel) to every channel the path
 * visited, then scales the credits to the total value. Its expectation, computed here by pushing
 * probability mass forward through the first-order chain with a "visited c" flag until the mass is
 * absorbed: no removal, no linear system, its own transition counts.
 */
function referenceValueCredit(paths: readonly ConversionPath[]): Map<string, number> {
  const count = new Map<string, Map<string, number>>();
  const bump = (from: string, to: string, n: number) => {
    const row = count.get(from) ?? new Map<string, number>();
    row.set(to, (row.get(to) ?? 0) + n);
    count.set(from, row);
  };
  const converted = new Map<string, { n: number; value: number }>();
  for (const p of paths) {
    const steps = p.channels.filter((c, i) => i === 0 || c !== p.channels[i - 1]);
    let from = "start";
    for (const c of steps) {
      bump(from, c, p.conversions + p.nulls);
      from = c;
    }
    bump(from, "conversion", p.conversions);
    bump(from, "null", p.nulls);
    if (p.conversions > 0) {
      const t = converted.get(from) ?? { n: 0, value: 0 };
      converted.set(from, { n: t.n + p.conversions, value: t.value + p.value });
    }
  }
  const probability = (from: string, to: string) => {
    const row = count.get(from)!;
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    return (row.get(to) ?? 0) / total;
  };
  const meanValue = (s: string) => (converted.get(s) ? converted.get(s)!.value / converted.get(s)!.n : 0);
  const channels = [...new Set(paths.flatMap((p) => p.channels))];
  const credit = new Map<string, number>();
  for (const channel of channels) {
    // mass[state] = [probability of being there without having visited `channel`, having visited it]
    let mass = new Map<string, [number, number]>([["start", [1, 0]]]);
    let visited = 0;
    for (let step = 0; step < 100_000 && mass.size > 0; step++) {
      const next = new Map<string, [number, number]>();
      let left = 0;
      for (const [s, [without, withIt]] of mass) {
        visited += withIt * probability(s, "conversion") * meanValue(s);
        for (const to of count.get(s)!.keys()) {
          if (to === "conversion" || to === "null") continue;
          const p = probability(s, to);
          const m = next.get(to) ?? [0, 0];
          if (to === channel) m[1] += (without + withIt) * p;
          else {
            m[0] += without * p;
            m[1] += withIt * p;
          }
          next.set(to, m);
          left += (without + withIt) * p;
        }
      }
      mass = next;
      if (left < 1e-16) break;
    }
    credit.set(channel, visited);
  }
  const total = paths.reduce((n, p) => n + p.value, 0);
  const sum = [...credit.values()].reduce((a, b) => a + b, 0);
  return new Map([...credit].map(([c, v]) => [c, (total * v) / sum]));
}

describe("Markov value, ChannelAttribution's method", () => {
  // A > B converts twice for 300 (150 each); B once for 60, once not; A once for 40, once not.
  const handPaths = [path("A > B", 2, 300, 0), path("B", 1, 60, 1), path("A", 1, 40, 1)];

  it("matches a chain solved by hand", () => {
    // Counts: start->A 4, start->B 2; A->B 2, A->conv 1, A->null 1; B->conv 3, B->null 1.
    // Mean value per conversion from A: 40 / 1 = 40; from B: (300 + 60) / 3 = 120.
    // Expected value: via A 2/3 * 1/4 * 40 = 20/3; via B (2/3 * 1/2 + 1/3) * 3/4 * 120 = 60; total 200/3.
    // Without A: 1/3 * 3/4 * 120 = 30, effect 1 - 30 / (200/3) = 11/20.
    // Without B: 20/3, effect 1 - (20/3) / (200/3) = 9/10 = 18/20.
    // Shares of 400: A 400 * 11/29 = 4400/29, B 400 * 18/29 = 7200/29.
    const m = markovAttribution(handPaths, 1, "channelattribution");
    expect(m.value.get("A")).toBeCloseTo(4400 / 29, 9);
    expect(m.value.get("B")).toBeCloseTo(7200 / 29, 9);
    // Conversions do not depend on the value method.
    expect(m.conversions).toEqual(markovAttribution(handPaths).conversions);
    // The default (value-weighted chain) gives other numbers on these paths.
    expect(Math.abs(markovAttribution(handPaths).value.get("A")! - 4400 / 29)).toBeGreaterThan(1);
  });

  it("agrees with the forward-propagation reference on a chain with loops and drop-outs", () => {
    const paths = [
      path("Search > Email > Search", 3, 597, 2),
      path("Social > Search", 2, 120, 7),
      path("Email > Social > Email", 1, 399, 4),
      path("Search", 4, 180, 11),
      path("Social", 0, 0, 9),
      path("Email > Email > Direct", 2, 1000, 1),
      path("Direct > Search > Direct", 1, 45, 3),
    ];
    const expected = referenceValueCredit(paths);
    const m = markovAttribution(paths, 1, "channelattribution");
    expect([...m.value.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [channel, value] of expected) expect(m.value.get(channel)).toBeCloseTo(value, 8);
    // Reference check on the reference: its numbers also add up to the total value.
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(2341, 9);
  });

  it("with one value per conversion everywhere, value follows conversions", () => {
    const paths = [
      path("A > B > A > B > B > A", 1, 10, 0),
      path("A > B > B > A > A", 1, 10, 0),
      path("A > A", 1, 10, 0),
    ];
    const m = markovAttribution(paths, 1, "channelattribution");
    expect(m.value.get("A")).toBeCloseTo(20, 12);
    expect(m.value.get("B")).toBeCloseTo(10, 12);
  });

  it("POST /api/v1/attribution takes value_method, keeps value_weighted as the default, refuses others", async () => {
    const site = await createSite();
    const paths = [
      { path: "A > B", total_conversions: 2, total_conversion_value: 300 },
      { path: "B", total_conversions: 1, total_conversion_value: 60, total_null: 1 },
      { path: "A", total_conversions: 1, total_conversion_value: 40, total_null: 1 },
    ];
    const post = (extra: Record<string, unknown>) =>
      api("/api/v1/attribution", { method: "POST", token: site.read, json: { models: ["markov"], paths, ...extra } });
    type Body = { channels: { channel: string; markov: { value: number } }[] };
    const valueOf = async (res: Response, channel: string) => {
      expect(res.status).toBe(200);
      return ((await res.json()) as Body).channels.find((c) => c.channel === channel)!.markov.value;
    };
    expect(await valueOf(await post({ value_method: "channelattribution" }), "A")).toBeCloseTo(4400 / 29, 1);
    const weighted = markovAttribution(
      paths.map((p) => path(p.path, p.total_conversions, p.total_conversion_value, p.total_null ?? 0)),
    );
    expect(await valueOf(await post({}), "A")).toBeCloseTo(weighted.value.get("A")!, 1);
    expect(await valueOf(await post({ value_method: "value_weighted" }), "A")).toBeCloseTo(weighted.value.get("A")!, 1);
    await expectError(await post({ value_method: "shapley" }), 400, "validation_failed", "value_method");
  });
});
