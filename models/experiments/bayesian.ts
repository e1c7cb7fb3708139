// Bayesian effect: a Gaussian posterior on the (relative or absolute) effect, from the data's
// moments and a Gaussian prior (improper flat by default, as gbstats), with chance to win, the
// expected loss (risk) of shipping control or treatment, and the equal-tailed credible interval.
import { normalCdf, normalQuantile, truncatedNormalMean } from "./distributions";
import type { Moments } from "./moments";

export interface GaussianPrior {
  mean: number;
  variance: number;
}

export interface BayesianResult {
  effect: number;
  sd: number;
  ci: [number, number];
  chanceToWin: number;
  /** Expected loss of choosing [control, treatment], in the effect's units. */
  risk: [number, number];
}

export function bayesianTest(m: Moments, alpha: number, prior?: GaussianPrior): BayesianResult {
  const precision = 1 / m.variance + (prior ? 1 / prior.variance : 0);
  const mean = prior ? (m.estimate / m.variance + prior.mean / prior.variance) / precision : m.estimate;
  const sd = Math.sqrt(1 / precision);
  const z = normalQuantile(1 - alpha / 2);
  return {
    effect: mean,
    sd,
    ci: [mean - z * sd, mean + z * sd],
    chanceToWin: 1 - normalCdf(0, mean, sd),
    risk: risk(mean, sd),
  };
}

function risk(mu: number, sigma: number): [number, number] {
  if (Math.abs(mu / sigma) > 37) return [Math.max(mu, 0), Math.max(-mu, 0)];
  const controlBetter = normalCdf(0, mu, sigma);
  const up = truncatedNormalMean(mu, sigma, 0, Infinity);
  const down = truncatedNormalMean(mu, sigma, -Infinity, 0);
  return [(1 - controlBetter) * up, -controlBetter * down];
}
