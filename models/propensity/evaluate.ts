// `npm run eval:propensity`: stratified k-fold cross-validation of the production model (trees +
// network, model.ts) against logistic regression and its own two parts, all trained by the
// production code (encoder, trainers) on each fold.
import Papa from "papaparse";
import type { Tf } from "../tf/backend";
import { encodeAll, fitEncoder, type FeatureRow, type FeatureSpec } from "./features";
import { classifierMetrics, stratifiedFolds, type ClassifierMetrics } from "./metrics";
import { referencePredict, trainPropensityModel, type PropensityModel, type PropensityOptions } from "./model";
import { trainNetwork, tfjsPredict } from "./network";
import { treeLogits } from "./trees";

export const CV_FOLDS = 5;
export const CV_SEED = 42;

const TRUE_LABELS = new Set(["1", "true", "yes", "y", "t"]);

/**
 * A CSV with a header. The label column is true/false or 1/0. Columns whose values are all
 * numbers are numeric unless named in `categorical`; the rest are categorical.
 */
export function parseTable(
  text: string,
  label: string,
  categorical: readonly string[] = [],
): { rows: FeatureRow[]; labels: Float32Array; spec: FeatureSpec } {
  const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: true });
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes(label)) throw new Error(`No column "${label}" (columns: ${fields.join(", ")})`);
  const unknown = categorical.filter((name) => !fields.includes(name));
  if (unknown.length) throw new Error(`No column ${unknown.map((n) => `"${n}"`).join(", ")}`);
  const data = parsed.data;
  const features = fields.filter((f) => f !== label);
  const isNumeric = (f: string) =>
    !categorical.includes(f) && data.every((row) => row[f] !== undefined && row[f]!.trim() !== "" && !isNaN(+row[f]!));
  const spec: FeatureSpec = {
    numeric: features.filter(isNumeric),
    categorical: features.filter((f) => !isNumeric(f)),
  };
  const rows = data.map((row) => {
    const out: FeatureRow = {};
    for (const f of spec.numeric) out[f] = Number(row[f]);
    for (const f of spec.categorical) out[f] = row[f] ?? "";
    return out;
  });
  const labels = Float32Array.from(data, (row) => (TRUE_LABELS.has((row[label] ?? "").trim().toLowerCase()) ? 1 : 0));
  return { rows, labels, spec };
}

export interface PropensityEvaluation {
  logistic_regression: ClassifierMetrics;
  /** The production model's two parts alone, for comparison. */
  network: ClassifierMetrics;
  trees: ClassifierMetrics;
  /** The production model: trees and network blended (model.ts). */
  model: ClassifierMetrics;
  folds: number;
  rows: number;
  positives: number;
  inputs: number;
  /** Mean wall time to train the production model on one fold. */
  train_ms_per_fold: number;
  /** Largest |ONNX - reference| over every test fold, when an export check was given. */
  export_max_abs_diff: number | null;
}

export interface FoldResult {
  logistic_regression: ClassifierMetrics;
  network: ClassifierMetrics;
  trees: ClassifierMetrics;
  model: ClassifierMetrics;
  train_ms: number;
  export_max_abs_diff: number | null;
}

const mean = (values: ClassifierMetrics[]): ClassifierMetrics => ({
  auc: values.reduce((s, v) => s + v.auc, 0) / values.length,
  f1: values.reduce((s, v) => s + v.f1, 0) / values.length,
  accuracy: values.reduce((s, v) => s + v.accuracy, 0) / values.length,
});

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export async function crossValidate(
  tf: Tf,
  rows: readonly FeatureRow[],
  labels: Float32Array,
  spec: FeatureSpec,
  options: Partial<PropensityOptions> = {},
  onFold?: (fold: number, result: FoldResult, model: PropensityModel, xTest: Float32Array) => void,
  /** Runs the export on a fold's model and test rows; returns the largest |ONNX - reference|. */
  exportCheck?: (model: PropensityModel, xTest: Float32Array) => Promise<number>,
): Promise<PropensityEvaluation> {
  const folds = stratifiedFolds(labels, CV_FOLDS, CV_SEED);
  const results: FoldResult[] = [];
  let inputs = 0;
  for (let fold = 0; fold < CV_FOLDS; fold++) {
    const trainRows = rows.filter((_, i) => folds[i] !== fold);
    const testRows = rows.filter((_, i) => folds[i] === fold);
    const trainLabels = labels.filter((_, i) => folds[i] !== fold);
    const testLabels = labels.filter((_, i) => folds[i] === fold);
    // The encoder is fitted on the training folds only: the test fold stays unseen.
    const encoder = fitEncoder(trainRows, spec);
    inputs = encoder.width;
    const xTrain = encodeAll(encoder, trainRows);
    const xTest = encodeAll(encoder, testRows);
    const logistic = await trainNetwork(tf, xTrain, trainLabels, encoder.width, {
      ...options.network,
      hidden: 0,
    });
    const started = Date.now();
    const model = await trainPropensityModel(tf, xTrain, trainLabels, encoder.width, options);
    const trainMs = Date.now() - started;
    const result: FoldResult = {
      logistic_regression: classifierMetrics(testLabels, tfjsPredict(tf, logistic, xTest)),
      network: classifierMetrics(testLabels, tfjsPredict(tf, model.network, xTest)),
      trees: classifierMetrics(testLabels, treeLogits(model.trees, xTest).map(sigmoid)),
      model: classifierMetrics(testLabels, referencePredict(tf, model, xTest)),
      train_ms: trainMs,
      export_max_abs_diff: exportCheck ? await exportCheck(model, xTest) : null,
    };
    results.push(result);
    onFold?.(fold, result, model, xTest);
  }
  const diffs = results.map((r) => r.export_max_abs_diff).filter((d): d is number => d !== null);
  return {
    logistic_regression: mean(results.map((r) => r.logistic_regression)),
    network: mean(results.map((r) => r.network)),
    trees: mean(results.map((r) => r.trees)),
    model: mean(results.map((r) => r.model)),
    folds: CV_FOLDS,
    rows: rows.length,
    positives: labels.reduce((s, v) => s + v, 0),
    inputs,
    train_ms_per_fold: results.reduce((s, r) => s + r.train_ms, 0) / results.length,
    export_max_abs_diff: diffs.length ? Math.max(...diffs) : null,
  };
}
