// The propensity half of a retrain: past (learner, course) decision points become examples; the
// latest 20% by time are the holdout (ROC-AUC, beside logistic regression trained on the same
// examples: the baseline the promotion rule compares with); the model (trees + network,
// models/propensity/model.ts) is then refitted on all of them, exported to one ONNX graph and
// checked against the training runtimes (tfjs for the network, TypeScript for the trees).
import { encodeAll, encodeHoldout, fitEncoder } from "../../models/propensity/features";
import { LEARNER_ITEM_SPEC, propensityExamples, type Example, type SessionFact } from "../../models/propensity/learner";
import { rocAuc } from "../../models/propensity/metrics";
import { referencePredict, trainPropensityModel } from "../../models/propensity/model";
import { tfjsPredict, trainNetwork } from "../../models/propensity/network";
import { propensityOnnx } from "../../models/onnx/propensity";
import type { Signal } from "../../models/recs/signals";
import { tensorflow } from "../../models/tf/backend";
import { HOLDOUT_FRACTION } from "../../models/recs/dataset";
import { propensityVerdict, registerCandidate, type RetrainOutcome } from "./promotion";
import type { RegistryEnv } from "./registry";
import { verifyPropensity } from "./verify";

/** Fewer decision points than this (or only one outcome) cannot train a classifier. */
export const MIN_PROPENSITY_EXAMPLES = 20;
const VERIFY_ROWS = 64;

export async function trainPropensity(
  env: RegistryEnv,
  siteId: string,
  now: number,
  from: number,
  signals: readonly Signal[],
  sessions: ReadonlyMap<string, SessionFact[]>,
  prices: ReadonlyMap<string, number | null>,
  epochs: number | undefined,
): Promise<RetrainOutcome> {
  const byUser = new Map<string, Signal[]>();
  for (const s of signals) {
    const list = byUser.get(s.user);
    if (list) list.push(s);
    else byUser.set(s.user, [s]);
  }
  const examples: Example[] = [];
  for (const [user, list] of byUser) examples.push(...propensityExamples(sessions.get(user) ?? [], list, prices));
  const positives = examples.filter((e) => e.label === 1).length;
  if (examples.length < MIN_PROPENSITY_EXAMPLES || positives === 0 || positives === examples.length) {
    const reason = `not enough data (${examples.length} decision points, ${positives} purchases)`;
    return { kind: "propensity", model: null, promoted: false, reason };
  }
  const tf = await tensorflow();
  const started = Date.now();
  examples.sort((a, b) => a.at - b.at);
  const cut = Math.floor(examples.length * (1 - HOLDOUT_FRACTION));
  const train = examples.slice(0, cut);
  const test = examples.slice(cut);
  const options = epochs === undefined ? {} : { network: { epochs } };
  let auc: number | null = null;
  let logisticAuc: number | null = null;
  if (new Set(train.map((e) => e.label)).size === 2) {
    const { x, y, xTest, yTest, width } = encodeHoldout(train, test, LEARNER_ITEM_SPEC);
    const model = await trainPropensityModel(tf, x, y, width, options);
    const value = rocAuc(yTest, referencePredict(tf, model, xTest));
    auc = Number.isNaN(value) ? null : value;
    // The baseline the promotion rule compares with: logistic regression on the same examples.
    const logistic = await trainNetwork(tf, x, y, width, { ...options.network, hidden: 0 });
    const logisticValue = rocAuc(yTest, tfjsPredict(tf, logistic, xTest));
    logisticAuc = Number.isNaN(logisticValue) ? null : logisticValue;
  }
  const rows = examples.map((e) => e.row);
  const encoder = fitEncoder(rows, LEARNER_ITEM_SPEC);
  const x = encodeAll(encoder, rows);
  const model = await trainPropensityModel(
    tf,
    x,
    Float32Array.from(examples, (e) => e.label),
    encoder.width,
    options,
  );
  const onnx = propensityOnnx(model);
  const check = await verifyPropensity(
    tf,
    model,
    onnx,
    x.subarray(0, Math.min(VERIFY_ROWS, examples.length) * encoder.width),
  );
  const metrics = {
    metric: "auc",
    value: auc,
    holdout: { auc, logistic_regression: logisticAuc, examples: test.length },
    examples: examples.length,
    positives,
    inputs: encoder.width,
    train_ms: Date.now() - started,
    export_max_abs_diff: check.maxAbsDiff,
  };
  return registerCandidate(env, {
    siteId,
    kind: "propensity",
    from,
    now,
    metrics,
    verdict: propensityVerdict(auc, logisticAuc),
    onnx,
    meta: { encoder, hidden: model.network.hidden, trees: model.trees.trees.length, treeWeight: model.treeWeight },
  });
}
