// Per-arm summary statistics and the effect's point estimate and variance, as GrowthBook's gbstats
// defines them: relative effect Δ = (m_b − m_a)/|m_a| with the delta-method variance
// (v_b/n_b)/m_a² + (v_a/n_a)·m_b²/m_a⁴, or the absolute difference with v_b/n_b + v_a/n_a.

/** A mean metric (revenue per visitor): count, sum and sum of squares over units. */
export interface MeanStat {
  kind: "mean";
  n: number;
  sum: number;
  sumSquares: number;
}
/** A proportion metric (converted or not): count and conversions. */
export interface ProportionStat {
  kind: "proportion";
  n: number;
  conversions: number;
}
export type ArmStat = MeanStat | ProportionStat;

export function armMean(s: ArmStat): number {
  if (s.n === 0) return 0;
  return (s.kind === "mean" ? s.sum : s.conversions) / s.n;
}

/** Unit-level variance: the sample variance for means, p(1−p) for proportions (as gbstats). */
export function armVariance(s: ArmStat): number {
  if (s.kind === "proportion") {
    const p = armMean(s);
    return p * (1 - p);
  }
  if (s.n <= 1) return 0;
  return (s.sumSquares - (s.sum * s.sum) / s.n) / (s.n - 1);
}

/** What every engine starts from: one arm's mean, variance and count. */
export interface Arm {
  n: number;
  mean: number;
  variance: number;
  /** The mean before CUPED adjustment: the relative effect's denominator. */
  unadjustedMean: number;
}

export const toArm = (s: ArmStat): Arm => {
  const mean = armMean(s);
  return { n: s.n, mean, variance: armVariance(s), unadjustedMean: mean };
};

export interface Moments {
  estimate: number;
  variance: number;
}

/** The effect and its variance, or null when it cannot be estimated (empty arm, zero variance or baseline). */
export function effectMoments(a: Arm, b: Arm, relative: boolean, variance?: number): Moments | null {
  if (a.n < 2 || b.n < 2 || a.variance <= 0 || b.variance <= 0) return null;
  if (relative && (a.mean === 0 || a.unadjustedMean === 0)) return null;
  const estimate = relative ? (b.mean - a.mean) / Math.abs(a.unadjustedMean) : b.mean - a.mean;
  const v =
    variance ??
    (relative
      ? b.variance / b.n / a.mean ** 2 + ((a.variance / a.n) * b.mean ** 2) / a.mean ** 4
      : b.variance / b.n + a.variance / a.n);
  if (!(v > 0)) return null;
  return { estimate, variance: v };
}

/** Welch–Satterthwaite degrees of freedom, on the arms' absolute variances. */
export function welchDf(a: Arm, b: Arm): number {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  return (va + vb) ** 2 / ((vb * vb) / (b.n - 1) + (va * va) / (a.n - 1));
}
