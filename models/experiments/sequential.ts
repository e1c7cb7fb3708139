// Always-valid inference: the asymptotic confidence sequences of Waudby-Smith et al.
// (arXiv 2103.06476, eq. 9 and the e-value of eq. 155), tuned so the interval is tightest near
// N* total units (gbstats' default 5,000). Peeking every day keeps the error rate at alpha.
import type { FrequentistResult } from "./frequentist";
import type { Moments } from "./moments";

export const DEFAULT_SEQUENTIAL_N = 5000;

/** ρ from the tuning parameter N* (eq. 161, two-sided). */
export function sequentialRho(alpha: number, tuningN: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuningN);
}

/** `n` is the total units over both arms; the effect's variance scales as s²/n. */
export function sequentialTest(
  m: Moments,
  n: number,
  alpha: number,
  tuningN = DEFAULT_SEQUENTIAL_N,
): FrequentistResult {
  const rho = sequentialRho(alpha, tuningN);
  const se = Math.sqrt(m.variance);
  const s2 = m.variance * n;
  const nr2 = n * rho * rho + 1;
  const half = Math.sqrt(s2) * Math.sqrt((2 * nr2 * Math.log(Math.sqrt(nr2) / alpha)) / (n * rho) ** 2);
  const st2 = (m.estimate ** 2 * n) / m.variance;
  const evalue = Math.exp((rho * rho * st2) / (2 * nr2)) / Math.sqrt(nr2);
  return { effect: m.estimate, se, ci: [m.estimate - half, m.estimate + half], pValue: Math.min(1, 1 / evalue) };
}
