// Fixed-horizon frequentist test: Welch's t on the effect (relative by default), two-sided.
import { studentTCdf, studentTQuantile } from "./distributions";
import { type Moments } from "./moments";

export interface FrequentistResult {
  effect: number;
  se: number;
  ci: [number, number];
  pValue: number;
}

export function welchTest(m: Moments, df: number, alpha: number): FrequentistResult {
  const se = Math.sqrt(m.variance);
  const t = m.estimate / se;
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return {
    effect: m.estimate,
    se,
    ci: [m.estimate - half, m.estimate + half],
    pValue: Math.min(1, 2 * (1 - studentTCdf(Math.abs(t), df))),
  };
}
