// CUPED (regression adjustment on a pre-period covariate, default window 14 days before exposure):
// θ is pooled over both arms (gbstats' compute_theta), each arm's mean becomes post − θ·pre, and
// the relative effect keeps the unadjusted control mean as its denominator.
import { type Arm, type ArmStat, armMean, armVariance } from "./moments";

export const DEFAULT_CUPED_DAYS = 14;

/** One arm's post-period metric, its pre-period covariate (same kind) and Σ post·pre over units. */
export interface CupedStat {
  post: ArmStat;
  pre: ArmStat;
  sumProducts: number;
}

const sumOf = (s: ArmStat) => (s.kind === "mean" ? s.sum : s.conversions);

function covariance(n: number, post: ArmStat, pre: ArmStat, sumProducts: number): number {
  if (n <= 1) return 0;
  if (post.kind === "proportion" && pre.kind === "proportion")
    return sumProducts / n - (sumOf(post) * sumOf(pre)) / n ** 2;
  return (sumProducts - (sumOf(post) * sumOf(pre)) / n) / (n - 1);
}

function joint(a: ArmStat, b: ArmStat): ArmStat {
  if (a.kind === "proportion" && b.kind === "proportion")
    return { kind: "proportion", n: a.n + b.n, conversions: a.conversions + b.conversions };
  const sq = (s: ArmStat) => (s.kind === "mean" ? s.sumSquares : s.conversions);
  return { kind: "mean", n: a.n + b.n, sum: sumOf(a) + sumOf(b), sumSquares: sq(a) + sq(b) };
}

/** θ = Cov(post, pre)/Var(pre) over the pooled arms; 0 when either period has no variance. */
export function pooledTheta(a: CupedStat, b: CupedStat): number {
  const post = joint(a.post, b.post);
  const pre = joint(a.pre, b.pre);
  const preVar = armVariance(pre);
  if (preVar === 0 || armVariance(post) === 0) return 0;
  return covariance(post.n, post, pre, a.sumProducts + b.sumProducts) / preVar;
}

export interface CupedArm extends Arm {
  preVariance: number;
  covariance: number;
  postMean: number;
  postVariance: number;
}

export function cupedArm(s: CupedStat, theta: number): CupedArm {
  const n = s.post.n;
  const postMean = armMean(s.post);
  const postVariance = armVariance(s.post);
  const preVariance = armVariance(s.pre);
  const cov = covariance(n, s.post, s.pre, s.sumProducts);
  return {
    n,
    mean: postMean - theta * armMean(s.pre),
    variance: n <= 1 ? 0 : postVariance + theta ** 2 * preVariance - 2 * theta * cov,
    unadjustedMean: postMean,
    preVariance,
    covariance: cov,
    postMean,
    postVariance,
  };
}

/** Variance of the relative CUPED effect (gbstats' frequentist_variance_relative_cuped). */
export function cupedRelativeVariance(a: CupedArm, b: CupedArm, theta: number): number {
  const denB = b.n * a.unadjustedMean ** 2;
  const denA = a.n * a.unadjustedMean ** 2;
  if (denA === 0 || denB === 0) return 0;
  const vB = (b.postVariance + theta ** 2 * b.preVariance - 2 * theta * b.covariance) / denB;
  const k = -b.postMean;
  const vA =
    ((a.postVariance * k ** 2) / a.postMean ** 2 +
      (2 * theta * a.covariance * k) / a.postMean +
      theta ** 2 * a.preVariance) /
    denA;
  return vA + vB;
}
