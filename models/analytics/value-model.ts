// Predicted learner value: a ridge regression of the revenue a learner brings in their first 90
// days on how they behaved in their first 7, with coefficient standard errors, a holdout R²
// beside a mean-only baseline, and predictions to rank new learners by.
import { DAY_MS } from "../../core/time";
import { seededRandom, shuffle } from "../random";
import { type AnalyticsEvent, SESSION_GAP_MS, byVisitor, isLesson, isPurchase } from "./events";
import {
  type Matrix,
  type Scaler,
  cholesky,
  choleskySolve,
  fitScaler,
  gram,
  inverse,
  matMul,
  scaleRows,
  xty,
} from "../linalg";

export const FEATURE_DAYS = 7;
export const TARGET_DAYS = 90;

/**
 * Behaviour in days [0, 7) after a learner's first event. Counts are log1p'd (a learner with 300
 * page views is not 30 times one with 10); `signed_up` is 0/1. Days are 24-hour spans from the
 * first event, so no time zone is needed.
 */
export const VALUE_FEATURES = [
  "sessions",
  "active_days",
  "pageviews",
  "lesson_starts",
  "lesson_completes",
  "engaged_minutes",
  "custom_events",
  "signed_up",
  "purchases",
  "revenue",
] as const;

export interface LearnerRow {
  learnerId: string;
  firstSeen: number;
  /** VALUE_FEATURES, in order. */
  features: number[];
  /** Purchase revenue in days [0, 90) after the first event, site currency, minor units. */
  revenue90Minor: number;
  /** 90 days have passed by asOf: the target is known, the row can train. */
  complete: boolean;
  /** 7 days have passed by asOf: the features are final, the row can be scored. */
  ready: boolean;
}

/** One row per learner (visitorId) from their events; events after `asOf` are ignored. Sorted by learnerId. */
export function learnerFeatures(events: readonly AnalyticsEvent[], asOf: number): LearnerRow[] {
  const out: LearnerRow[] = [];
  for (const [learnerId, all] of byVisitor(events)) {
    const list = all.filter((e) => e.ts <= asOf);
    if (!list.length) continue;
    const t0 = list[0]!.ts;
    const week = list.filter((e) => e.ts < t0 + FEATURE_DAYS * DAY_MS);
    const sessionIds = new Set<string>();
    let visits = 0;
    let previous = -Infinity;
    for (const e of week) {
      if (e.sessionId) sessionIds.add(e.sessionId);
      else {
        if (e.ts - previous > SESSION_GAP_MS) visits++;
        previous = e.ts;
      }
    }
    const count = (test: (e: AnalyticsEvent) => boolean) => week.filter(test).length;
    const revenue = (upTo: number) =>
      list.filter((e) => isPurchase(e) && e.ts < upTo).reduce((s, e) => s + (e.revenueMinor ?? 0), 0);
    const raw = {
      sessions: sessionIds.size + visits,
      active_days: new Set(week.map((e) => Math.floor((e.ts - t0) / DAY_MS))).size,
      pageviews: count((e) => e.type === "pageview"),
      lesson_starts: count((e) => e.name === "lesson_start"),
      lesson_completes: count((e) => e.name === "lesson_complete"),
      engaged_minutes: week.reduce((s, e) => s + (e.engagedMs ?? 0), 0) / 60_000,
      custom_events: count((e) => e.type === "custom" && !isLesson(e)),
      signed_up: count((e) => e.type === "signup") > 0 ? 1 : 0,
      purchases: count(isPurchase),
      revenue: revenue(t0 + FEATURE_DAYS * DAY_MS),
    };
    out.push({
      learnerId,
      firstSeen: t0,
      features: VALUE_FEATURES.map((f) => (f === "signed_up" ? raw[f] : Math.log1p(raw[f]))),
      revenue90Minor: revenue(t0 + TARGET_DAYS * DAY_MS),
      complete: asOf >= t0 + TARGET_DAYS * DAY_MS,
      ready: asOf >= t0 + FEATURE_DAYS * DAY_MS,
    });
  }
  return out.sort((a, b) => (a.learnerId < b.learnerId ? -1 : 1));
}

export interface RidgeFit {
  /** θ: the intercept first, then one per column of x. */
  coefficients: number[];
  standardErrors: number[];
  lambda: number;
  /** Effective degrees of freedom tr(H), H = X(XᵀX + λD)⁻¹Xᵀ: p + 1 when λ = 0. */
  effectiveDf: number;
  /** σ̂² = RSS / (n − tr(H)). */
  sigma2: number;
}

/**
 * Ridge least squares θ = (XᵀX + λD)⁻¹Xᵀy, X = [1 | x], D = diag(0, 1, …, 1): the intercept is
 * not penalised, so shrinkage pulls slopes toward 0 and the fit toward the mean, not toward 0.
 * Solved by Cholesky (XᵀX + λD is symmetric positive definite when X has full column rank or
 * λ > 0); throws LinalgError otherwise.
 *
 * Standard errors: the square roots of the diagonal of the ridge estimator's sampling
 * covariance for fixed λ under homoscedastic errors, σ̂²·A⁻¹XᵀXA⁻¹ with A = XᵀX + λD (the
 * "sandwich" form, as in Hoerl & Kennard 1970 and van Wieringen, "Lecture notes on ridge regression"),
 * with σ̂² = RSS / (n − tr(H)), the residual variance on effective degrees of freedom
 * (Hastie, Tibshirani & Friedman, ESL §3.4.1). At λ = 0 this is OLS's σ̂²(XᵀX)⁻¹ with n − p − 1.
 * They describe spread around the (biased) ridge estimate, not a confidence interval for the truth.
 */
export function ridge(x: Matrix, y: readonly number[], lambda: number): RidgeFit {
  if (!(lambda >= 0)) throw new RangeError("lambda is a number at least 0.");
  const design = x.map((row) => [1, ...row]);
  const g = gram(design);
  const a = g.map((row, i) => row.map((v, j) => (i === j && i > 0 ? v + lambda : v)));
  const coefficients = choleskySolve(cholesky(a), xty(design, y));
  const rss = design.reduce((s, row, r) => s + (y[r]! - row.reduce((t, v, j) => t + v * coefficients[j]!, 0)) ** 2, 0);
  const aInv = inverse(a);
  const aInvG = matMul(aInv, g);
  const effectiveDf = aInvG.reduce((s, row, i) => s + row[i]!, 0);
  const sigma2 = rss / (design.length - effectiveDf);
  const covariance = matMul(aInvG, aInv);
  const standardErrors = covariance.map((row, i) => Math.sqrt(sigma2 * row[i]!));
  return { coefficients, standardErrors, lambda, effectiveDf, sigma2 };
}

/** R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² over the rows given; null when y is constant there. */
export function rSquared(y: readonly number[], predicted: readonly number[]): number | null {
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const sst = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  const sse = y.reduce((s, v, i) => s + (v - predicted[i]!) ** 2, 0);
  return sst > 0 ? 1 - sse / sst : null;
}

export interface ValueModel {
  features: readonly string[];
  lambda: number;
  /** Applied to features before the coefficients (fitted on the training rows). */
  scaler: Scaler;
  /** Predicted revenue (minor units) of a learner whose features are at the training means. */
  intercept: number;
  /** Per feature, revenue per one standard deviation of it, and the estimate's standard error. */
  coefficients: { feature: string; estimate: number; standardError: number }[];
  train: { n: number; r2: number | null };
  /** Learners held out of fitting: the model's R² beside predicting the training mean for everyone. */
  holdout: { n: number; r2: number | null; baselineR2: number | null };
}

export interface ValueModelOptions {
  /** Ridge penalty on the standardised coefficients; default 1. */
  lambda?: number;
  /** Share of learners held out, drawn with the seed; default 0.2. */
  holdoutShare?: number;
  seed?: number;
}

/** Fits on the `complete` rows (the others have no 90-day revenue yet). */
export function fitValueModel(rows: readonly LearnerRow[], options: ValueModelOptions = {}): ValueModel {
  const { lambda = 1, holdoutShare = 0.2, seed = 1 } = options;
  const usable = rows.filter((r) => r.complete);
  const order = shuffle(
    usable.map((_, i) => i),
    seededRandom(seed),
  );
  const cut = Math.round(usable.length * holdoutShare);
  const test = order.slice(0, cut).map((i) => usable[i]!);
  const train = order.slice(cut).map((i) => usable[i]!);
  if (train.length < VALUE_FEATURES.length + 2)
    throw new RangeError(`Too few learners with 90 days of history to fit (${train.length} for training).`);
  const scaler = fitScaler(train.map((r) => r.features));
  const fit = ridge(
    scaleRows(
      train.map((r) => r.features),
      scaler,
    ),
    train.map((r) => r.revenue90Minor),
    lambda,
  );
  const model: ValueModel = {
    features: VALUE_FEATURES,
    lambda,
    scaler,
    intercept: fit.coefficients[0]!,
    coefficients: VALUE_FEATURES.map((feature, j) => ({
      feature,
      estimate: fit.coefficients[j + 1]!,
      standardError: fit.standardErrors[j + 1]!,
    })),
    train: { n: train.length, r2: null },
    holdout: { n: test.length, r2: null, baselineR2: null },
  };
  const y = (set: LearnerRow[]) => set.map((r) => r.revenue90Minor);
  const mean = train.reduce((s, r) => s + r.revenue90Minor, 0) / train.length;
  model.train.r2 = rSquared(
    y(train),
    train.map((r) => predictValue(model, r.features)),
  );
  if (test.length) {
    model.holdout.r2 = rSquared(
      y(test),
      test.map((r) => predictValue(model, r.features)),
    );
    model.holdout.baselineR2 = rSquared(
      y(test),
      test.map(() => mean),
    );
  }
  return model;
}

/** Predicted 90-day revenue (minor units) for one learner's features. */
export function predictValue(model: ValueModel, features: readonly number[]): number {
  return model.coefficients.reduce(
    (s, c, j) => s + (c.estimate * (features[j]! - model.scaler.means[j]!)) / model.scaler.stds[j]!,
    model.intercept,
  );
}

/** The `ready` learners, highest predicted value first (ties by learnerId). */
export function rankLearners(model: ValueModel, rows: readonly LearnerRow[]) {
  return rows
    .filter((r) => r.ready)
    .map((r) => ({ learnerId: r.learnerId, predictedMinor: predictValue(model, r.features) }))
    .sort((a, b) => b.predictedMinor - a.predictedMinor || (a.learnerId < b.learnerId ? -1 : 1));
}
