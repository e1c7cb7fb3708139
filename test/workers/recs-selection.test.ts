// EASE, model selection and the promotion rule, in workerd: EASE against its closed form and its
// ONNX export in onnxruntime-web, selection on synthetic logs where each candidate is the right
// answer in turn, and the rule's verdicts at and around its margins.
import { describe, expect, it } from "vitest";
import { tensorflow } from "../../models/tf/backend";
import { matMul, spdInverseInPlace } from "../../models/linalg";
import { buildDataset } from "../../models/recs/dataset";
import { easeFits, easeGram, easeScores, historyRow, MAX_EASE_ITEMS, trainEase } from "../../models/recs/ease";
import { easeOnnx } from "../../models/onnx/ease";
import { createSession } from "../../models/onnx/runtime";
import { runEase } from "../../models/onnx/run";
import { topK } from "../../models/recs/metrics";
import { selectRecommender } from "../../models/recs/select";
import {
  MIN_PROPENSITY_AUC,
  propensityVerdict,
  PROPENSITY_MARGIN,
  recommenderVerdict,
  RECOMMENDER_MARGIN,
} from "../../jobs/recs/promotion";
import { verifyEase } from "../../jobs/recs/verify";
import { seededRandom } from "../../models/random";
import { easeWins, itemKnnWins, mfWins, popularityWins } from "./recs-synthetic";

describe("the SPD inverse", () => {
  it("inverts in place: A·A⁻¹ = I, symmetric, for a random positive definite matrix", () => {
    const random = seededRandom(11);
    const n = 37;
    const x = Array.from({ length: 60 }, () => Array.from({ length: n }, () => (random() < 0.2 ? 1 : 0)));
    const a = matMul(
      x[0]!.map((_, i) => x.map((row) => row[i]!)),
      x,
    ).map((row, i) => row.map((v, j) => v + (i === j ? 3 : 0)));
    const inv = spdInverseInPlace(Float64Array.from(a.flat()), n);
    const product = matMul(
      a,
      Array.from({ length: n }, (_, i) => Array.from(inv.subarray(i * n, (i + 1) * n))),
    );
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(Math.abs(product[i]![j]! - (i === j ? 1 : 0))).toBeLessThan(1e-10);
        expect(inv[i * n + j]).toBe(inv[j * n + i]);
      }
    }
  });
});

describe("EASE", () => {
  const data = buildDataset(easeWins(3).interactions, easeWins(3).catalog);

  it("matches its closed form: diag(B) = 0 and B = I − P·diag(1/diag P)", () => {
    const lambda = 25;
    const model = trainEase(data, lambda);
    const n = data.items.length;
    const p = easeGram(data);
    for (let i = 0; i < n; i++) p[i * n + i]! += lambda;
    spdInverseInPlace(p, n);
    for (let i = 0; i < n; i++) {
      expect(model.weights[i * n + i]).toBe(0);
      for (const j of [0, 7, n - 1]) {
        if (i !== j) expect(model.weights[i * n + j]).toBeCloseTo(-p[i * n + j]! / p[j * n + j]!, 6);
      }
    }
    expect(easeFits(MAX_EASE_ITEMS)).toBe(true);
    expect(easeFits(MAX_EASE_ITEMS + 1)).toBe(false);
  });

  it("scores through ONNX in onnxruntime-web as its TypeScript scorer does, within 1e-5", async () => {
    const model = trainEase(data, 50);
    const onnx = easeOnnx(model);
    const session = await createSession(onnx);
    const n = model.numItems;
    let compared = 0;
    for (const history of data.positives.slice(0, 40)) {
      const expected = easeScores(model, history);
      // Mask out the history, as serving does, and ask for every remaining item.
      const mask = new Float32Array(n);
      for (const i of history) mask[i] = -Infinity;
      const k = n - new Set(history).size;
      const { scores, items } = await runEase(session, historyRow(history, n), mask, k);
      // The same ranking as the TypeScript top 10 (items may swap only where scores tie).
      const best = topK(expected, 10, new Set(history));
      items.slice(0, 10).forEach((item, r) => {
        expect(Math.abs(expected[item]! - expected[best[r]!]!)).toBeLessThanOrEqual(1e-5);
      });
      items.forEach((item, r) => {
        expect(Math.abs(scores[r]! - expected[item]!)).toBeLessThanOrEqual(1e-5);
        compared++;
      });
      expect(items.some((i) => history.includes(i))).toBe(false);
    }
    expect(compared).toBeGreaterThan(1000);
    await session.release();
    expect((await verifyEase(model, onnx, data.positives)).maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
});

describe("selection", () => {
  // Each log is built so that one candidate is right on the validation split (see recs-synthetic.ts).
  const cases = [
    ["popularity", popularityWins],
    ["item_knn", itemKnnWins],
    ["ease", easeWins],
    ["mf", mfWins],
  ] as const;
  for (const [winner, make] of cases) {
    it(`picks ${winner} where ${winner} ranks the validation items best`, async () => {
      const tf = await tensorflow();
      const { interactions, catalog } = make();
      const s = await selectRecommender(tf, interactions, catalog);
      expect(s.chosen, s.reason).toBe(winner);
      const ndcg = (c: keyof typeof s.validation) => s.validation[c]!["ndcg@10"];
      for (const other of ["popularity", "item_knn", "ease", "mf"] as const) {
        if (other !== winner) expect(ndcg(winner)).toBeGreaterThan(ndcg(other));
      }
      // Every configuration tried is on record, and the chosen parameters are the best tried.
      const mine = s.trials.filter((t) => t.candidate === winner);
      expect(Math.max(...mine.map((t) => t["ndcg@10"]))).toBe(ndcg(winner));
      expect(s.trials.find((t) => t.candidate === winner && t["ndcg@10"] === ndcg(winner))!.params).toEqual(
        s.params[winner],
      );
    }, 60_000);
  }

  it("measures the baselines but chooses only among the allowed candidates, and leaves EASE out of huge catalogs", async () => {
    const tf = await tensorflow();
    const { interactions, catalog } = popularityWins();
    const only = await selectRecommender(tf, interactions, catalog, { candidates: ["ease"] });
    expect(only.chosen).toBe("ease");
    expect(Object.keys(only.validation).sort()).toEqual(["ease", "item_knn", "popularity"]);
    expect(only.reason).toMatch(/limited to ease/);
    const huge = [...catalog, ...Array.from({ length: MAX_EASE_ITEMS }, (_, i) => `unsold${i}`)];
    const big = await selectRecommender(tf, interactions, huge, { candidates: ["popularity", "item_knn", "ease"] });
    expect(big.skipped.ease).toMatch(/limit/);
    expect(big.validation.ease).toBeUndefined();
    expect(big.chosen).toBe("popularity");
  }, 60_000);
});

describe("the promotion rule", () => {
  it("promotes a recommender only above the better baseline by the margin", () => {
    const baselines = { popularity: 0.1, item_knn: 0.2 };
    const needed = 0.2 * (1 + RECOMMENDER_MARGIN);
    const below = recommenderVerdict(0.19, baselines);
    expect(below).toMatchObject({ decision: "rejected", baseline: "item_knn", baseline_value: 0.2 });
    expect(below.required).toBeCloseTo(needed, 12);
    expect(recommenderVerdict(0.2, baselines).decision).toBe("rejected"); // the baseline itself
    expect(recommenderVerdict(needed - 1e-9, baselines).decision).toBe("rejected");
    expect(recommenderVerdict(needed + 1e-9, baselines).decision).toBe("promoted");
    expect(recommenderVerdict(0.15, { popularity: 0.12, item_knn: 0.1 })).toMatchObject({
      decision: "promoted",
      baseline: "popularity",
    });
    expect(recommenderVerdict(0, { popularity: 0, item_knn: 0 }).decision).toBe("rejected");
    expect(recommenderVerdict(null, baselines).decision).toBe("rejected");
  });

  it("promotes a propensity model only above logistic regression by the margin, and above the floor", () => {
    expect(propensityVerdict(0.8, 0.8 - PROPENSITY_MARGIN / 2).decision).toBe("rejected");
    expect(propensityVerdict(0.8, 0.8 - PROPENSITY_MARGIN * 1.5)).toMatchObject({
      decision: "promoted",
      baseline: "logistic_regression",
    });
    // Logistic regression near chance: the floor decides.
    expect(propensityVerdict(MIN_PROPENSITY_AUC - 0.001, 0.4).decision).toBe("rejected");
    expect(propensityVerdict(MIN_PROPENSITY_AUC, 0.4).decision).toBe("promoted");
    expect(propensityVerdict(MIN_PROPENSITY_AUC, null).decision).toBe("promoted");
    expect(propensityVerdict(null, 0.7).decision).toBe("rejected");
  });
});
