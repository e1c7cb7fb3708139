// Registering a freshly trained model, and the promotion rule. A model goes live only when its
// export is faithful and it beats its own baseline on the same holdout by a stated margin:
// - recommender: NDCG@10 at least RECOMMENDER_MARGIN (relative) above the better of popularity and
//   item-kNN, both measured on that holdout;
// - propensity: ROC-AUC at least PROPENSITY_MARGIN above logistic regression trained on the same
//   examples, and at least MIN_PROPENSITY_AUC (the base rate scores 0.5).
// Being the first model earns nothing. A model that fails stays in the registry as rejected, with
// the verdict and its reason, and serving keeps the active model (or falls back to the baseline).
// Holdouts of different retrains cover different weeks, so a new model is not compared with the
// active model's old figure: each is judged against baselines on its own holdout.
import { siteDatabase } from "../../schema/databases";
import {
  promote,
  pruneModels,
  saveModel,
  setStatus,
  type ModelKind,
  type ModelRow,
  type RegistryEnv,
} from "./registry";
import type { ModelMetrics } from "../../schema/model-tables";
import { EXPORT_TOLERANCE } from "./verify";

/** Relative NDCG@10 a recommender must gain over the better of popularity and item-kNN. */
export const RECOMMENDER_MARGIN = 0.02;
/** ROC-AUC a propensity model must gain over logistic regression. */
export const PROPENSITY_MARGIN = 0.01;
/** ROC-AUC a propensity model needs at least, whatever logistic regression scores. */
export const MIN_PROPENSITY_AUC = 0.55;

export interface Verdict {
  decision: "promoted" | "rejected";
  reason: string;
  /** What the model was measured against, and its holdout figure (null: not measurable). */
  baseline: string;
  baseline_value: number | null;
  /** The figure the model needed to reach (null: no holdout to judge on). */
  required: number | null;
}

export interface RetrainOutcome {
  kind: ModelKind;
  model: ModelRow | null;
  promoted: boolean;
  reason: string;
}

export interface Candidate {
  siteId: string;
  kind: ModelKind;
  /** The training window. */
  from: number;
  now: number;
  /** `value` is the model's holdout figure (null: no holdout). */
  metrics: ModelMetrics & { export_max_abs_diff: number };
  /** The rule's verdict on the holdout, from recommenderVerdict or propensityVerdict. */
  verdict: Verdict;
  /** The ONNX graph; null for models served by plain TypeScript from meta.json alone. */
  onnx: Uint8Array | null;
  meta: unknown;
}

const f4 = (x: number) => x.toFixed(4);

/** The recommender rule on one holdout's NDCG@10 figures. */
export function recommenderVerdict(
  value: number | null,
  baselines: { popularity: number; item_knn: number },
  label = "the model",
): Verdict {
  const baseline = baselines.item_knn >= baselines.popularity ? "item_knn" : "popularity";
  const baselineValue = baselines[baseline];
  const common = { baseline, baseline_value: baselineValue };
  if (value === null) return { decision: "rejected", reason: "no holdout to judge on", ...common, required: null };
  const required = baselineValue * (1 + RECOMMENDER_MARGIN);
  const pass = value > baselineValue && value >= required;
  const margin = `${Math.round(RECOMMENDER_MARGIN * 100)}%`;
  const reason = pass
    ? `holdout NDCG@10 ${f4(value)} beats ${baseline} ${f4(baselineValue)} by at least ${margin}`
    : `holdout NDCG@10 ${f4(value)} of ${label} does not beat ${baseline} ${f4(baselineValue)} by ${margin} (needs ${f4(required)}): serving the baseline`;
  return { decision: pass ? "promoted" : "rejected", reason, ...common, required };
}

/** The propensity rule on one holdout's ROC-AUC figures (null: not measurable). */
export function propensityVerdict(auc: number | null, logisticAuc: number | null): Verdict {
  const baseline = "logistic_regression";
  const required = Math.max(MIN_PROPENSITY_AUC, (logisticAuc ?? 0.5) + PROPENSITY_MARGIN);
  const common = { baseline, baseline_value: logisticAuc };
  if (auc === null) return { decision: "rejected", reason: "no holdout to judge on", ...common, required: null };
  const pass = auc >= required;
  const against =
    logisticAuc === null ? `the base rate (0.5)` : `logistic regression ${f4(logisticAuc)} + ${PROPENSITY_MARGIN}`;
  const reason = pass
    ? `holdout AUC ${f4(auc)} reaches ${f4(required)} (${against}, and at least ${MIN_PROPENSITY_AUC})`
    : `holdout AUC ${f4(auc)} below ${f4(required)} (${against}, and at least ${MIN_PROPENSITY_AUC}): serving the baseline`;
  return { decision: pass ? "promoted" : "rejected", reason, ...common, required };
}

export async function registerCandidate(env: RegistryEnv, c: Candidate): Promise<RetrainOutcome> {
  let verdict = c.verdict;
  const diff = c.metrics.export_max_abs_diff;
  if (!(diff <= EXPORT_TOLERANCE)) {
    verdict = { ...verdict, decision: "rejected", reason: `ONNX export differs from the trained model by ${diff}` };
  }
  const row = await saveModel(
    env,
    {
      siteId: c.siteId,
      id: `${c.kind}-${c.now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`,
      kind: c.kind,
      status: "candidate",
      dataFrom: c.from,
      dataTo: c.now,
      metrics: { ...c.metrics, promotion: verdict },
      createdAt: c.now,
      note: null,
    },
    { onnx: c.onnx, meta: c.meta },
  );
  let outcome: RetrainOutcome;
  if (verdict.decision === "promoted") {
    await promote(siteDatabase(env, row.siteId), row.siteId, row.id, c.now);
    outcome = {
      kind: c.kind,
      model: { ...row, status: "active", promotedAt: c.now },
      promoted: true,
      reason: verdict.reason,
    };
  } else {
    await setStatus(siteDatabase(env, row.siteId), row.siteId, row.id, "rejected", verdict.reason);
    outcome = {
      kind: c.kind,
      model: { ...row, status: "rejected", note: verdict.reason },
      promoted: false,
      reason: verdict.reason,
    };
  }
  await pruneModels(env, c.siteId, c.kind);
  return outcome;
}
