// Experiment statistics: the distributions against published values, gbstats' golden results
// (GrowthBook's own test numbers, matched within 1e-4), and seeded simulations of error rates.
import { describe, expect, it } from "vitest";
import { assignVariant } from "../../core/experiment-assign";
import { analyze, type VariantStat } from "../../models/experiments/analyze";
import { benjaminiHochberg, holmBonferroni } from "../../models/experiments/corrections";
import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from "../../models/experiments/distributions";
import { type ArmStat } from "../../models/experiments/moments";
import { srmCheck } from "../../models/experiments/srm";
import { seededRandom } from "../../models/random";

const close = (actual: number | null | undefined, expected: number, tol = 1e-4) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThan(tol);
};
const mean = (n: number, sum: number, sumSquares: number): ArmStat => ({ kind: "mean", n, sum, sumSquares });
const prop = (n: number, conversions: number): ArmStat => ({ kind: "proportion", n, conversions });

describe("distributions", () => {
  it("match published normal, t and chi-squared values", () => {
    close(normalCdf(1.959963984540054), 0.975, 1e-12);
    close(normalCdf(-3), 0.0013498980316301, 1e-13);
    close(normalCdf(-8), 6.22096057427178e-16, 1e-20);
    close(normalQuantile(0.975), 1.959963984540054, 1e-12);
    close(normalQuantile(1e-6), -4.753424308822899, 1e-10);
    // t tables: t_{0.975, 1} = 12.7062, t_{0.975, 10} = 2.228139, t_{0.995, 30} = 2.749996
    close(studentTQuantile(0.975, 1), 12.706204736174698, 1e-8);
    close(studentTQuantile(0.975, 10), 2.2281388519649385, 1e-10);
    close(studentTQuantile(0.995, 30), 2.7499956535670305, 1e-10);
    close(studentTQuantile(0.025, 2), -0.95 / Math.sqrt(2 * 0.975 * 0.025), 1e-8); // closed form at 2 df
    close(studentTCdf(2.228138851964938, 10), 0.975, 1e-12);
    close(studentTCdf(-1, 3), 0.19550110947788527, 1e-12);
    // chi-squared: P(X > 3.841459) = 0.05 at 1 df; P(X > 10) = 0.006737947 at 2 df
    close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-12);
    close(chiSquareSf(10, 2), Math.exp(-5), 1e-14);
    close(chiSquareSf(30, 10), 0.0008566412, 1e-9);
  });
});

describe("gbstats golden values", () => {
  const a = mean(3407, 1396.87, 52377.9767);
  const b = mean(3461, 2422.7, 134698.29);

  it("frequentist relative (Welch, delta method)", () => {
    const r = analyze([a, b]).results[0]!;
    close(r.effect, 0.70732);
    close(r.se, 0.37879);
    close(r.ci![0], -0.03526);
    close(r.ci![1], 1.44989);
    close(r.pValue, 0.06191);
    expect(r.chanceToWin).toBeNull();
  });

  it("frequentist absolute", () => {
    const r = analyze([a, b], { relative: false }).results[0]!;
    close(r.effect, 0.29);
    close(r.se, 0.12478);
    close(r.ci![0], 0.04538);
    close(r.ci![1], 0.53462);
    close(r.pValue, 0.02016);
  });

  it("frequentist proportions", () => {
    const r = analyze([prop(28, 14), prop(30, 16)]).results[0]!;
    close(r.effect, (16 / 30 - 0.5) / 0.5);
    close(r.se, 0.2717);
    close(r.ci![0], -0.47767);
    close(r.ci![1], 0.61101);
    close(r.pValue, 0.80707);
  });

  it("Bayesian proportions, improper prior", () => {
    const r = analyze([prop(100, 49), prop(100, 51)], { engine: "bayesian" }).results[0]!;
    close(r.effect, 0.04082);
    close(r.se, 0.14725);
    close(r.ci![0], -0.24779);
    close(r.ci![1], 0.32943);
    close(r.chanceToWin, 0.60918);
    close(r.risk![0], 0.0814);
    close(r.risk![1], 0.04058);
    expect(r.pValue).toBeNull();
  });

  it("Bayesian means, improper and proper prior", () => {
    const ma = mean(10, 100, 1002.25);
    const mb = mean(10, 105, 1111.5);
    const flat = analyze([ma, mb], { engine: "bayesian" }).results[0]!;
    close(flat.effect, 0.05);
    close(flat.se, 0.03572);
    close(flat.chanceToWin, 0.91923);
    close(flat.risk![0], 0.05131);
    close(flat.risk![1], 0.00131);
    const proper = analyze([ma, mb], { engine: "bayesian", prior: { mean: 0.1, variance: 0.1 } }).results[0]!;
    close(proper.effect, 0.05063);
    close(proper.se, 0.03549);
    close(proper.ci![0], -0.01893);
    close(proper.ci![1], 0.12019);
    close(proper.chanceToWin, 0.92315);
    close(proper.risk![0], 0.05186);
    close(proper.risk![1], 0.00123);
  });

  it("sequential confidence sequences (N* = 1000 and the default 5000)", () => {
    const a3000 = mean(3000, 1396.87, 52377.9767);
    const r = analyze([a3000, b], { engine: "sequential", sequentialN: 1000 }).results[0]!;
    close(r.effect, 0.50336);
    close(r.se, 0.33341);
    close(r.ci![0], -0.55844);
    close(r.ci![1], 1.56516);
    close(r.pValue, 1);
    const p = analyze([prop(3000, 1396), prop(3461, 2422)], { engine: "sequential" }).results[0]!;
    close(p.effect, 0.50386);
    close(p.se, 0.03386);
    close(p.ci![0], 0.40098);
    close(p.ci![1], 0.60675);
    close(p.pValue, 0);
  });

  it("CUPED with θ pooled over arms (sequential)", () => {
    const cuped = (post: ArmStat, pre: ArmStat): VariantStat => ({ post, pre, sumProducts: 1 });
    const r = analyze(
      [
        cuped(mean(3000, 1396.87, 52377.9767), mean(3000, 16.87, 527.9767)),
        cuped(mean(3461, 2422.7, 134698.29), mean(3461, 22.7, 1348.29)),
      ],
      { engine: "sequential" },
    ).results[0]!;
    close(r.effect, 0.50338);
    close(r.se, 0.33341);
    close(r.ci![0], -0.50969);
    close(r.ci![1], 1.51646);
  });

  it("CUPED narrows the interval when the pre-period predicts the metric", () => {
    const random = seededRandom(3);
    const arms = [0, 1].map((arm) => {
      const s = { n: 0, post: 0, post2: 0, pre: 0, pre2: 0, prod: 0 };
      for (let i = 0; i < 2000; i++) {
        const pre = 10 * random();
        const post = pre + random() + arm * 0.05;
        Object.assign(s, {
          n: s.n + 1,
          post: s.post + post,
          post2: s.post2 + post * post,
          pre: s.pre + pre,
          pre2: s.pre2 + pre * pre,
          prod: s.prod + pre * post,
        });
      }
      return s;
    });
    const plain = analyze(arms.map((s) => mean(s.n, s.post, s.post2))).results[0]!;
    const adjusted = analyze(
      arms.map((s) => ({ post: mean(s.n, s.post, s.post2), pre: mean(s.n, s.pre, s.pre2), sumProducts: s.prod })),
    ).results[0]!;
    expect(adjusted.se!).toBeLessThan(plain.se! / 5);
  });

  it("returns nulls, not NaN, when an arm cannot be estimated", () => {
    const r = analyze([prop(0, 0), prop(10, 3)]).results[0]!;
    expect(r).toEqual({ variant: 1, effect: null, se: null, ci: null, pValue: null, chanceToWin: null, risk: null });
  });
});

describe("corrections across metrics", () => {
  it("Holm and Benjamini-Hochberg adjust as R's p.adjust does", () => {
    const p = [0.01, 0.04, 0.03, 0.005];
    // p.adjust(c(0.01,0.04,0.03,0.005), "holm") = 0.03 0.06 0.06 0.02; "BH" = 0.02 0.04 0.04 0.02
    holmBonferroni(p).forEach((x, i) => close(x, [0.03, 0.06, 0.06, 0.02][i]!, 1e-12));
    benjaminiHochberg(p).forEach((x, i) => close(x, [0.02, 0.04, 0.04, 0.02][i]!, 1e-12));
  });
});

describe("SRM", () => {
  it("flags 50/45 at 10,000 units and not a true 50/50 split", () => {
    const skewed = srmCheck([5263, 4737], [0.5, 0.5]);
    expect(skewed.pValue).toBeLessThan(0.001);
    expect(skewed.warning).toBe(true);
    const random = seededRandom(7);
    const units = [0, 0];
    for (let i = 0; i < 10_000; i++) units[random() < 0.5 ? 0 : 1]!++;
    expect(srmCheck(units, [0.5, 0.5]).warning).toBe(false);
    // the assignment hash itself splits 10,000 user ids 50/50 and 20/30/50 without a mismatch
    for (const weights of [
      [0.5, 0.5],
      [0.2, 0.3, 0.5],
    ]) {
      const counts = weights.map(() => 0);
      for (let i = 0; i < 10_000; i++) counts[assignVariant("pricing-page", `user-${i}`, weights)]!++;
      const srm = srmCheck(counts, weights);
      expect(srm.warning).toBe(false);
      expect(srm.pValue).toBeGreaterThan(0.01);
    }
  });

  it("needs 8 units in every variant to warn", () => {
    expect(srmCheck([100, 7], [0.5, 0.5]).warning).toBe(false);
    expect(srmCheck([100, 8], [0.5, 0.5]).warning).toBe(true);
  });
});

describe("seeded A/A simulations", () => {
  it("1,000 fixed-horizon A/A experiments reject at alpha = 0.05 between 3.5% and 6.5% of the time", () => {
    const random = seededRandom(2026);
    let rejected = 0;
    for (let e = 0; e < 1000; e++) {
      const arms = [0, 1].map(() => {
        let conversions = 0;
        for (let i = 0; i < 2000; i++) if (random() < 0.1) conversions++;
        return prop(2000, conversions);
      });
      const p = analyze(arms).results[0]!.pValue;
      if (p !== null && p < 0.05) rejected++;
    }
    expect(rejected / 1000).toBeGreaterThanOrEqual(0.035);
    expect(rejected / 1000).toBeLessThanOrEqual(0.065);
  });

  it("sequential tests looked at every simulated day stay at or under 5% (a peeked t-test does not)", () => {
    const random = seededRandom(18);
    const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    let sequentialRejected = 0;
    let peekedRejected = 0;
    for (let e = 0; e < 1000; e++) {
      const arms = [0, 1].map(() => ({ n: 0, sum: 0, sumSquares: 0 }));
      let seq = false;
      let peek = false;
      for (let day = 0; day < 20; day++) {
        for (const arm of arms)
          for (let i = 0; i < 100; i++) {
            const x = 10 + 3 * normal(); // revenue per visitor
            arm.n++;
            arm.sum += x;
            arm.sumSquares += x * x;
          }
        const stats = arms.map((s) => mean(s.n, s.sum, s.sumSquares));
        seq ||= analyze(stats, { engine: "sequential" }).results[0]!.pValue! < 0.05;
        peek ||= analyze(stats).results[0]!.pValue! < 0.05;
      }
      if (seq) sequentialRejected++;
      if (peek) peekedRejected++;
    }
    expect(sequentialRejected / 1000).toBeLessThanOrEqual(0.05);
    expect(peekedRejected / 1000).toBeGreaterThan(0.1);
  });
});
