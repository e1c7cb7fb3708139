// One metric's analysis across variants (the first is control): each treatment against control
// with the chosen engine, plus the SRM check on the units per variant. The stateless calculator
// (POST /api/v1/experiments/analyze) and experiment results both call this.
import { bayesianTest, type GaussianPrior } from "./bayesian";
import { type CupedStat, cupedArm, cupedRelativeVariance, pooledTheta } from "./cuped";
import { welchTest } from "./frequentist";
import { type Arm, type ArmStat, effectMoments, toArm, welchDf } from "./moments";
import { DEFAULT_SEQUENTIAL_N, sequentialTest } from "./sequential";
import { srmCheck, type SrmResult } from "./srm";

export const ENGINES = ["frequentist", "bayesian", "sequential"] as const;
export type Engine = (typeof ENGINES)[number];

export interface AnalyzeOptions {
  engine?: Engine;
  relative?: boolean;
  alpha?: number;
  /** Configured traffic weights for SRM; equal split when absent. */
  weights?: number[];
  /** A proper Gaussian prior on the effect (Bayesian); improper flat when absent. */
  prior?: GaussianPrior;
  /** N*, the sequential test's tuning parameter. */
  sequentialN?: number;
}

/** A variant's metric, optionally with its CUPED pre-period covariate. */
export type VariantStat = ArmStat | CupedStat;

export interface VariantResult {
  variant: number;
  effect: number | null;
  se: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  chanceToWin: number | null;
  risk: [number, number] | null;
}

export interface Analysis {
  results: VariantResult[];
  srm: SrmResult;
}

const isCuped = (s: VariantStat): s is CupedStat => "post" in s;
const unitsOf = (s: VariantStat) => (isCuped(s) ? s.post.n : s.n);

function empty(variant: number): VariantResult {
  return { variant, effect: null, se: null, ci: null, pValue: null, chanceToWin: null, risk: null };
}

export function analyze(variants: VariantStat[], options: AnalyzeOptions = {}): Analysis {
  const engine = options.engine ?? "frequentist";
  const relative = options.relative ?? true;
  const alpha = options.alpha ?? 0.05;
  const control = variants[0]!;
  const results = variants.slice(1).map((treatment, i) => {
    let a: Arm;
    let b: Arm;
    let variance: number | undefined;
    if (isCuped(control) && isCuped(treatment)) {
      const theta = pooledTheta(control, treatment);
      const ca = cupedArm(control, theta);
      const cb = cupedArm(treatment, theta);
      [a, b] = [ca, cb];
      if (relative && theta !== 0) variance = cupedRelativeVariance(ca, cb, theta);
    } else {
      a = toArm(isCuped(control) ? control.post : control);
      b = toArm(isCuped(treatment) ? treatment.post : treatment);
    }
    const m = effectMoments(a, b, relative, variance);
    if (!m) return empty(i + 1);
    if (engine === "bayesian") {
      const r = bayesianTest(m, alpha, options.prior);
      return { ...empty(i + 1), effect: r.effect, se: r.sd, ci: r.ci, chanceToWin: r.chanceToWin, risk: r.risk };
    }
    const r =
      engine === "sequential"
        ? sequentialTest(m, a.n + b.n, alpha, options.sequentialN ?? DEFAULT_SEQUENTIAL_N)
        : welchTest(m, welchDf(a, b), alpha);
    return { ...empty(i + 1), effect: r.effect, se: r.se, ci: r.ci, pValue: r.pValue };
  });
  const units = variants.map(unitsOf);
  return { results, srm: srmCheck(units, options.weights ?? units.map(() => 1 / units.length)) };
}
