// The production propensity model (gradient-boosted trees + network, one ONNX graph) inside
// workerd: the trees learn what a linear model cannot, training repeats exactly, and ORT runs the
// exported graph as the training runtimes compute it, including values sitting on a threshold.
import { describe, expect, it } from "vitest";
import { verifyPropensity, EXPORT_TOLERANCE } from "../../jobs/recs/verify";
import { propensityOnnx } from "../../models/onnx/propensity";
import { runNetwork } from "../../models/onnx/run";
import { createSession } from "../../models/onnx/runtime";
import { rocAuc } from "../../models/propensity/metrics";
import { referencePredict, trainPropensityModel } from "../../models/propensity/model";
import { trainNetwork, tfjsPredict } from "../../models/propensity/network";
import { trainTrees, treeLogits } from "../../models/propensity/trees";
import { seededRandom } from "../../models/random";
import { tensorflow } from "../../models/tf/backend";

/** Rows of `width` features in [-2, 2]; label 1 mostly when x0 and x1 have the same sign (XOR-like). */
function xorData(rows: number, width: number, seed: number) {
  const random = seededRandom(seed);
  const x = new Float32Array(rows * width);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < width; f++) x[r * width + f] = Math.fround(random() * 4 - 2);
    const same = x[r * width]! * x[r * width + 1]! > 0;
    y[r] = random() < (same ? 0.85 : 0.15) ? 1 : 0;
  }
  return { x, y };
}

const WIDTH = 5;
const FAST = { network: { epochs: 5 }, trees: { trees: 60 } };

describe("propensity model: trees + network", () => {
  it("trees learn an interaction logistic regression cannot, and the blend keeps it", async () => {
    const tf = await tensorflow();
    const train = xorData(1500, WIDTH, 1);
    const test = xorData(500, WIDTH, 2);
    const trees = trainTrees(train.x, train.y, WIDTH, { trees: 60 });
    const treesAuc = rocAuc(test.y, treeLogits(trees, test.x));
    const logistic = await trainNetwork(tf, train.x, train.y, WIDTH, { hidden: 0, epochs: 5 });
    const logisticAuc = rocAuc(test.y, tfjsPredict(tf, logistic, test.x));
    expect(treesAuc).toBeGreaterThan(0.8);
    expect(logisticAuc).toBeLessThan(0.6);
    const model = await trainPropensityModel(tf, train.x, train.y, WIDTH, FAST);
    expect(rocAuc(test.y, referencePredict(tf, model, test.x))).toBeGreaterThan(0.8);
  });

  it("trains the same trees twice from the same seed", () => {
    const { x, y } = xorData(400, WIDTH, 3);
    expect(trainTrees(x, y, WIDTH, { trees: 10 })).toEqual(trainTrees(x, y, WIDTH, { trees: 10 }));
    expect(trainTrees(x, y, WIDTH, { trees: 10 })).not.toEqual(trainTrees(x, y, WIDTH, { trees: 10, seed: 7 }));
  });

  it("exports one ONNX graph that ORT runs as tfjs and the TypeScript trees compute", async () => {
    const tf = await tensorflow();
    const { x, y } = xorData(800, WIDTH, 4);
    const model = await trainPropensityModel(tf, x, y, WIDTH, FAST);
    const onnx = propensityOnnx(model);
    // Rows from training, rows far outside it, and rows sitting exactly on the trees' thresholds
    // (ONNX's BRANCH_LEQ and the TypeScript trees must both send them left).
    const thresholds = model.trees.trees.flatMap((t) => t.threshold.filter((_, n) => t.feature[n]! >= 0));
    const onEdges = Float32Array.from({ length: 40 * WIDTH }, (_, i) => thresholds[i % thresholds.length]!);
    const far = Float32Array.from({ length: 4 * WIDTH }, (_, i) => (i % 2 ? 50 : -50));
    const rows = new Float32Array([...x.subarray(0, 64 * WIDTH), ...onEdges, ...far]);
    const { maxAbsDiff } = await verifyPropensity(tf, model, onnx, rows);
    expect(maxAbsDiff).toBeLessThanOrEqual(EXPORT_TOLERANCE);
    expect(maxAbsDiff).toBeLessThan(1e-6);
    // And the graph is what serving runs: same input and output names as the network alone.
    const session = await createSession(onnx);
    const p = await runNetwork(session, rows.subarray(0, WIDTH), WIDTH);
    await session.release();
    expect(p.length).toBe(1);
    expect(p[0]).toBeCloseTo(referencePredict(tf, model, rows.subarray(0, WIDTH))[0]!, 6);
  });
});
