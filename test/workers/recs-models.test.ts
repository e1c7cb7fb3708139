// The pure parts of the recommenders, in workerd: the hand-written optimizer against tfjs's own
// Adam, the metrics against their definitions, the holdout, and the event-to-signal mapping.
import { describe, expect, it } from "vitest";
import { tensorflow } from "../../models/tf/backend";
import { SparseAdam } from "../../models/recs/sparse-adam";
import { rankingMetrics, topK } from "../../models/recs/metrics";
import { timeHoldout } from "../../models/recs/dataset";
import { ownedItems, signalsOf, type EventRow } from "../../models/recs/signals";
import { rocAuc, stratifiedFolds } from "../../models/propensity/metrics";
import { gaussian, seededRandom } from "../../models/random";
import { encode, fitEncoder, MAX_STANDARD_SCORE } from "../../models/propensity/features";
import { parseInteractions } from "../../models/recs/evaluate";
import { parseTable } from "../../models/propensity/evaluate";

describe("SparseAdam", () => {
  it("moves the touched rows exactly as tfjs's Adam does, and leaves the others alone", async () => {
    const tf = await tensorflow();
    const random = seededRandom(3);
    const start = gaussian(6 * 4, 1, random);
    const dense = tf.variable(tf.tensor2d(start, [6, 4]));
    const optimizer = tf.train.adam(0.05);
    const sparse = new SparseAdam(Float32Array.from(start), 4, 0.05);
    const rows = [1, 3, 1]; // row 1 twice: its gradients add up
    const target = tf.tensor2d(gaussian(3 * 4, 1, random), [3, 4]);
    for (let step = 0; step < 3; step++) {
      const before = Float32Array.from(sparse.params);
      const grads = tf.tidy(() => {
        const f = (x: ReturnType<typeof tf.gather>) => tf.sum(tf.square(tf.sub(x, target)));
        return tf
          .grad(f)(tf.tensor2d(gatherRowsOf(before, rows), [3, 4]))
          .dataSync() as Float32Array;
      });
      sparse.apply(rows, grads);
      optimizer.minimize(() => tf.sum(tf.square(tf.sub(tf.gather(dense, rows), target))));
    }
    const expected = dense.dataSync();
    for (let i = 0; i < expected.length; i++) expect(sparse.params[i]).toBeCloseTo(expected[i]!, 5);
    expect(Array.from(sparse.params.subarray(0, 4))).toEqual(Array.from(start.subarray(0, 4))); // row 0 untouched
  });
});

function gatherRowsOf(table: Float32Array, rows: number[]): Float32Array {
  return Float32Array.from(rows.flatMap((r) => Array.from(table.subarray(r * 4, r * 4 + 4))));
}

describe("metrics", () => {
  it("computes precision, recall and NDCG at 10 by their definitions", () => {
    const m = rankingMetrics(
      [
        { recommended: [5, 7, 9], relevant: new Set([7]) },
        { recommended: [1, 2], relevant: new Set([1, 4]) },
      ],
      10,
    );
    expect(m["precision@10"]).toBeCloseTo((1 / 10 + 1 / 10) / 2, 12);
    expect(m["recall@10"]).toBeCloseTo((1 + 0.5) / 2, 12);
    const ndcg2 = 1 / (1 + 1 / Math.log2(3));
    expect(m["ndcg@10"]).toBeCloseTo((1 / Math.log2(3) + ndcg2) / 2, 12);
    expect(m.coverage).toBeCloseTo(5 / 10, 12);
  });

  it("picks the top k, skipping excluded items, ties to the lower index", () => {
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.3], 3, new Set([1]))).toEqual([3, 2, 4]);
  });

  it("ROC-AUC equals the share of (positive, negative) pairs ranked right, ties counting half", () => {
    const random = seededRandom(9);
    const labels = Array.from({ length: 200 }, () => (random() < 0.3 ? 1 : 0));
    const scores = labels.map((y) => Math.round((random() + y * 0.4) * 10) / 10); // many ties
    let right = 0;
    let pairs = 0;
    labels.forEach((yi, i) =>
      labels.forEach((yj, j) => {
        if (yi !== 1 || yj !== 0) return;
        pairs++;
        right += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }),
    );
    expect(rocAuc(labels, scores)).toBeCloseTo(right / pairs, 12);
  });

  it("makes stratified folds with the same share of positives in each", () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const folds = stratifiedFolds(labels, 5, 42);
    for (let f = 0; f < 5; f++) {
      const rows = labels.filter((_, i) => folds[i] === f);
      expect(rows).toHaveLength(20);
      expect(rows.filter((y) => y === 1)).toHaveLength(4);
    }
  });
});

describe("holdout and signals", () => {
  it("holds out each user's latest 20% of positives", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ user: "u", item: `i${i}`, ts: 100 - i, weight: 1 }));
    rows.push({ user: "u", item: "seen", ts: 1000, weight: 0 }, { user: "v", item: "only", ts: 5, weight: 1 });
    const { train, test } = timeHoldout(rows);
    expect(test.get("u")).toEqual(["i1", "i0"]); // the two most recent positives
    expect(test.has("v")).toBe(false); // a single positive trains
    expect(train.map((r) => r.item)).toContain("seen");
    expect(train).toHaveLength(rows.length - 2);
  });

  it("counts a refund against the buyer, even when the back end refunds under its own id", () => {
    const row = (e: Partial<EventRow>): EventRow => ({
      user: "ann",
      type: "custom",
      name: null,
      ts: 0,
      items: null,
      props: null,
      order_id: null,
      engaged_ms: null,
      ...e,
    });
    const events = [
      row({ type: "purchase", ts: 1, order_id: "o1", items: '[{"id":"c1"},{"id":"c2"}]' }),
      row({ type: "refund", ts: 2, order_id: "o1", user: "payments-desk" }),
      row({ type: "purchase", ts: 3, order_id: "o2", items: '[{"id":"c2"}]' }),
      row({ type: "custom", name: "add_to_cart", ts: 4, props: '{"item_id":"c9"}' }),
    ];
    const signals = signalsOf(events);
    expect(signals.filter((s) => s.kind === "refund").map((s) => [s.user, s.item])).toEqual([
      ["ann", "c1"],
      ["ann", "c2"],
    ]);
    expect([...ownedItems(signals)]).toEqual(["c2"]); // c1 refunded; c2 refunded, then bought again
    expect(signals.find((s) => s.item === "c9")?.kind).toBe("add_to_cart");
  });
});

describe("propensity features", () => {
  it("standardises, one-hots with an other slot, and clips values training never saw", () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ days: i % 2, channel: i < 30 ? "Direct" : "Email" }));
    const encoder = fitEncoder(rows, { numeric: ["days"], categorical: ["channel"] });
    expect(encoder.width).toBe(1 + 2 + 1); // days, Direct, Email, other
    const seen = encode(encoder, { days: 1, channel: "Email" });
    expect(seen[0]).toBeCloseTo(1, 5); // (log1p(1) - mean) / std with half the rows at 1
    expect(Array.from(seen.subarray(1))).toEqual([0, 1, 0]);
    const unseen = encode(encoder, { days: 365, channel: "Baidu" });
    expect(unseen[0]).toBe(MAX_STANDARD_SCORE);
    expect(Array.from(unseen.subarray(1))).toEqual([0, 0, 1]);
  });
});

describe("eval file formats", () => {
  it("reads MovieLens u.data, ratings.csv and the generic CSV alike, ratings below 4 as seen-only", () => {
    const expected = [
      { user: "1", item: "10", ts: 100, weight: 1 },
      { user: "1", item: "11", ts: 101, weight: 0 },
      { user: "2", item: "10", ts: 102, weight: 1 },
    ];
    expect(parseInteractions("1\t10\t5\t100\n1\t11\t3\t101\n2\t10\t4\t102\n")).toEqual(expected);
    expect(parseInteractions("userId,movieId,rating,timestamp\n1,10,4.5,100\n1,11,2,101\n2,10,4,102")).toEqual(
      expected,
    );
    expect(parseInteractions("user_id,item_id,timestamp\r\n1,10,100\r\n2,10,102\r\n")).toEqual([
      expected[0],
      expected[2],
    ]);
    expect(() => parseInteractions("who,what\n1,2")).toThrow(/header/);
    expect(() => parseInteractions("user_id,item_id,timestamp\n1,10,soon")).toThrow(/Line 2/);
  });

  it("reads a labelled CSV: numbers numeric, text and named columns categorical", () => {
    const table = parseTable("pages,browser,month,bought\n3,2,Feb,TRUE\n0,1,Mar,FALSE\n", "bought", ["browser"]);
    expect(table.spec).toEqual({ numeric: ["pages"], categorical: ["browser", "month"] });
    expect(Array.from(table.labels)).toEqual([1, 0]);
    expect(table.rows[0]).toEqual({ pages: 3, browser: "2", month: "Feb" });
    expect(() => parseTable("a,b\n1,2", "label")).toThrow(/No column "label"/);
  });
});
