// Calibration: the Brier score (mean squared gap between probability and outcome; lower is
// better, the base rate p scores p(1-p)). ROC-AUC lives in ../propensity/metrics.
export function brierScore(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (probabilities[i]! - (labels[i]! > 0 ? 1 : 0)) ** 2;
  return labels.length ? sum / labels.length : Number.NaN;
}
