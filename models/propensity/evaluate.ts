// `npm run eval:propensity`: stratified k-fold cross-validation of the production network against
// logistic regression, both trained by the production code (encoder, trainer) on each fold.
import Papa from "papaparse";
import type { Tf } from "../tf/backend";
import { encodeAll, fitEncoder, type FeatureRow, type FeatureSpec } from "./features";
import { classifierMetrics, stratifiedFolds, type ClassifierMetrics } from "./metrics";
import { trainNetwork, tfjsPredict, type NetworkOptions } from "./network";

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
  model: ClassifierMetrics;
  folds: number;
  rows: number;
  positives: number;
  inputs: number;
}

const mean = (values: ClassifierMetrics[]): ClassifierMetrics => ({
  auc: values.reduce((s, v) => s + v.auc, 0) / values.length,
  f1: values.reduce((s, v) => s + v.f1, 0) / values.length,
  accuracy: values.reduce((s, v) => s + v.accuracy, 0) / values.length,
});

export async function crossValidate(
  tf: Tf,
  rows: readonly FeatureRow[],
  labels: Float32Array,
  spec: FeatureSpec,
  options: Partial<NetworkOptions> = {},
  onFold?: (fold: number, result: { logistic_regression: ClassifierMetrics; model: ClassifierMetrics }) => void,
): Promise<PropensityEvaluation> {
  const folds = stratifiedFolds(labels, CV_FOLDS, CV_SEED);
  const results = { logistic_regression: [] as ClassifierMetrics[], model: [] as ClassifierMetrics[] };
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
    const logistic = await trainNetwork(tf, xTrain, trainLabels, encoder.width, { ...options, hidden: 0 });
    const network = await trainNetwork(tf, xTrain, trainLabels, encoder.width, options);
    const result = {
      logistic_regression: classifierMetrics(testLabels, tfjsPredict(tf, logistic, xTest)),
      model: classifierMetrics(testLabels, tfjsPredict(tf, network, xTest)),
    };
    results.logistic_regression.push(result.logistic_regression);
    results.model.push(result.model);
    onFold?.(fold, result);
  }
  return {
    logistic_regression: mean(results.logistic_regression),
    model: mean(results.model),
    folds: CV_FOLDS,
    rows: rows.length,
    positives: labels.reduce((s, v) => s + v, 0),
    inputs,
  };
}
