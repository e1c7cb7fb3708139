// The dropout half of a retrain (called by the recommend Worker's cron beside the recommender and
// propensity): every learner's weekly decision points whose 14-day horizon has passed become
// examples (models/dropout/learner.ts); the latest 20% by time are the holdout, where the model
// (models/dropout/model.ts) is measured against logistic regression trained on the same examples,
// by ROC-AUC, with the Brier score reported for calibration. The model is then refitted on all
// examples, exported to one ONNX graph, checked in ORT, and registered; the promotion rule is the
// propensity one (it must beat logistic regression by PROPENSITY_MARGIN on its own holdout).
import type { SiteDatabase } from "../../schema/databases";
import { encodeAll, encodeHoldout, fitEncoder } from "../../models/propensity/features";
import { rocAuc } from "../../models/propensity/metrics";
import { referencePredict } from "../../models/propensity/model";
import { DEFAULT_NETWORK_OPTIONS, tfjsPredict, trainNetwork } from "../../models/propensity/network";
import { propensityOnnx } from "../../models/onnx/propensity";
import { tensorflow } from "../../models/tf/backend";
import { HOLDOUT_FRACTION } from "../../models/recs/dataset";
import { brierScore } from "../../models/dropout/metrics";
import { trainDropoutModel } from "../../models/dropout/model";
import {
  DROPOUT_SPEC,
  dropoutExamples,
  learningFact,
  type BoughtCourse,
  type DropoutExample,
  type LearningFact,
} from "../../models/dropout/learner";
import { itemsOf } from "../../models/recs/signals";
import { learningEventsPage, purchaseEventsPage } from "../../schema/queries/learning-activity";
import { MAX_TRAINING_EVENTS, PAGE_ROWS } from "../recs/data";
import { propensityVerdict, registerCandidate, type RetrainOutcome, type Verdict } from "../recs/promotion";
import type { RegistryEnv } from "../recs/registry";
import { verifyPropensity } from "../recs/verify";

/** Fewer decision points than this (or only one outcome) cannot train a classifier. */
export const MIN_DROPOUT_EXAMPLES = 20;
/**
 * Optimizer steps the networks (the model's and the logistic-regression baseline) take at least.
 * A site's few hundred decision points are one or two batches an epoch: 20 epochs are then 20-40
 * Adam steps at 0.003, which leave a logistic regression near its random start (on the demo its
 * holdout AUC was 0.41 where days since the last activity alone ranks at 0.96), and a baseline
 * that was never fitted makes "beats logistic regression" meaningless.
 */
export const MIN_DROPOUT_STEPS = 600;

/** Epochs for `rows` examples: the default, or more when that is fewer than MIN_DROPOUT_STEPS steps. */
export function dropoutEpochs(rows: number, epochs?: number): number {
  if (epochs !== undefined) return epochs;
  const batches = Math.max(1, Math.ceil(rows / DEFAULT_NETWORK_OPTIONS.batchSize));
  return Math.max(DEFAULT_NETWORK_OPTIONS.epochs, Math.ceil(MIN_DROPOUT_STEPS / batches));
}
const VERIFY_ROWS = 64;

/** Every learner's learning facts since `from`, oldest first. */
export async function loadLearningFacts(
  db: SiteDatabase,
  siteId: string,
  from: number,
): Promise<Map<string, LearningFact[]>> {
  const byUser = new Map<string, LearningFact[]>();
  let after = { ts: from - 1, id: "" };
  for (let read = 0; read < MAX_TRAINING_EVENTS; read += PAGE_ROWS) {
    const rows = await learningEventsPage(db, siteId, after, PAGE_ROWS);
    for (const r of rows) {
      let props: Record<string, unknown> | null = null;
      try {
        props = r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null;
      } catch (error) {
        console.warn("dropout: unreadable props", siteId, r.id, error);
      }
      const fact = learningFact(r.ts, r.type, props);
      const list = byUser.get(r.user);
      if (list) list.push(fact);
      else byUser.set(r.user, [fact]);
    }
    if (rows.length < PAGE_ROWS) break;
    const last = rows[rows.length - 1]!;
    after = { ts: last.ts, id: last.id };
  }
  return byUser;
}

/**
 * Every learner's bought courses since `from` (a refund marks the course refunded), oldest first:
 * the label's "does not finish a course they bought" and the bought_unfinished feature.
 */
export async function loadBoughtCourses(
  db: SiteDatabase,
  siteId: string,
  from: number,
): Promise<Map<string, BoughtCourse[]>> {
  const byUser = new Map<string, BoughtCourse[]>();
  let after = { ts: from - 1, id: "" };
  for (let read = 0; read < MAX_TRAINING_EVENTS; read += PAGE_ROWS) {
    const rows = await purchaseEventsPage(db, siteId, after, PAGE_ROWS);
    for (const r of rows) {
      const list = byUser.get(r.user) ?? [];
      byUser.set(r.user, list);
      for (const course of itemsOf(r)) {
        if (r.type === "purchase") list.push({ ts: r.ts, course, refundedAt: null });
        else for (const b of list) if (b.course === course && b.refundedAt === null) b.refundedAt = r.ts;
      }
    }
    if (rows.length < PAGE_ROWS) break;
    const last = rows[rows.length - 1]!;
    after = { ts: last.ts, id: last.id };
  }
  return byUser;
}

/** The promotion rule for dropout: the propensity rule (AUC over logistic regression + margin). */
export function dropoutVerdict(auc: number | null, logisticAuc: number | null): Verdict {
  return propensityVerdict(auc, logisticAuc);
}

export async function trainDropout(
  env: RegistryEnv,
  siteId: string,
  now: number,
  from: number,
  facts: ReadonlyMap<string, readonly LearningFact[]>,
  epochs?: number,
  bought: ReadonlyMap<string, readonly BoughtCourse[]> = new Map(),
): Promise<RetrainOutcome> {
  const examples: DropoutExample[] = [];
  for (const [user, list] of facts) examples.push(...dropoutExamples(user, list, now, bought.get(user)));
  const positives = examples.filter((e) => e.label === 1).length;
  if (examples.length < MIN_DROPOUT_EXAMPLES || positives === 0 || positives === examples.length) {
    const reason = `not enough data (${examples.length} decision points, ${positives} stops)`;
    return { kind: "dropout", model: null, promoted: false, reason };
  }
  const tf = await tensorflow();
  const started = Date.now();
  examples.sort((a, b) => a.at - b.at);
  const cut = Math.floor(examples.length * (1 - HOLDOUT_FRACTION));
  const train = examples.slice(0, cut);
  const test = examples.slice(cut);
  const options = { network: { epochs: dropoutEpochs(train.length, epochs) } };
  const holdout: Record<string, number | null> = { auc: null, brier: null, logistic_regression: null };
  if (new Set(train.map((e) => e.label)).size === 2) {
    const { x, y, xTest, yTest, width } = encodeHoldout(train, test, DROPOUT_SPEC);
    const model = await trainDropoutModel(tf, x, y, width, options);
    const p = referencePredict(tf, model, xTest);
    const logistic = await trainNetwork(tf, x, y, width, { ...options.network, hidden: 0 });
    const pl = tfjsPredict(tf, logistic, xTest);
    const finite = (v: number) => (Number.isNaN(v) ? null : v);
    holdout.auc = finite(rocAuc(yTest, p));
    holdout.brier = finite(brierScore(yTest, p));
    holdout.logistic_regression = finite(rocAuc(yTest, pl));
    holdout.logistic_regression_brier = finite(brierScore(yTest, pl));
  }
  const rows = examples.map((e) => e.row);
  const encoder = fitEncoder(rows, DROPOUT_SPEC);
  const x = encodeAll(encoder, rows);
  const y = Float32Array.from(examples, (e) => e.label);
  const model = await trainDropoutModel(tf, x, y, encoder.width, {
    network: { epochs: dropoutEpochs(examples.length, epochs) },
  });
  const onnx = propensityOnnx(model);
  const check = await verifyPropensity(
    tf,
    model,
    onnx,
    x.subarray(0, Math.min(VERIFY_ROWS, examples.length) * encoder.width),
  );
  const metrics = {
    metric: "auc",
    value: holdout.auc ?? null,
    holdout: { ...holdout, examples: test.length },
    examples: examples.length,
    positives,
    inputs: encoder.width,
    train_ms: Date.now() - started,
    export_max_abs_diff: check.maxAbsDiff,
  };
  return registerCandidate(env, {
    siteId,
    kind: "dropout",
    from,
    now,
    metrics,
    verdict: dropoutVerdict(holdout.auc ?? null, holdout.logistic_regression ?? null),
    onnx,
    meta: { encoder, hidden: model.network.hidden, trees: model.trees.trees.length, treeWeight: model.treeWeight },
  });
}
