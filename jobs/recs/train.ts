// Retraining, in the recommend Worker's cron or on demand: read a site's signals; for the
// recommender, select among popularity, item-kNN, EASE and BPR matrix factorisation on a
// validation split of the training period, measure the chosen one and every other on a
// time-based holdout, refit it on everything and export it to ONNX (checked in ORT); train the
// propensity network likewise; register both, promoting only what beats its baseline
// (./promotion.ts).
import { siteDatabase } from "../../schema/databases";
import { tensorflow, type Tf } from "../../models/tf/backend";
import type { MfOptions } from "../../models/recs/bpr";
import { buildDataset, timeHoldout, type Dataset, type Interaction } from "../../models/recs/dataset";
import { fitCandidate, type CandidateName, type Fitted } from "../../models/recs/fit";
import { ITEM_KNN_NEIGHBOURS, itemNeighbours } from "../../models/recs/item-knn";
import { popularity, trending } from "../../models/recs/popularity";
import { runPipeline } from "../../models/recs/select";
import { signalsOf, type Signal } from "../../models/recs/signals";
import { siteCatalog } from "../../schema/queries/items";
import { loadSiteEvents, loadSiteSessions, priceOf, TRAINING_WINDOW_DAYS } from "./data";
import { recommenderVerdict, registerCandidate, type RetrainOutcome } from "./promotion";
import type { RecommenderMeta, RegistryEnv } from "./registry";
import { verifyEase, verifyMf } from "./verify";
import { trainPropensity } from "./train-propensity";
import { loadBoughtCourses, loadLearningFacts, trainDropout } from "../dropout/train";
import { easeOnnx } from "../../models/onnx/ease";
import { mfOnnx } from "../../models/onnx/mf";
import { DAY_MS } from "../../core/time";

/** Below this many learners with a positive signal, personal models are noise: serve trending. */
export const MIN_TRAINING_USERS = 3;

export interface RetrainOptions {
  /** MF options; `dim` or `epochs` given fix that hyperparameter instead of tuning it. */
  mf?: Partial<MfOptions>;
  /** Limit the recommender candidates selection may choose (the baselines are measured anyway). */
  candidates?: readonly CandidateName[];
  propensityEpochs?: number;
}

/** Per (learner, item): summed signal weight, first time seen. Weight <= 0 means seen, not wanted. */
export function aggregateSignals(signals: readonly Signal[]): Interaction[] {
  const byPair = new Map<string, Interaction>();
  for (const s of signals) {
    const key = `${s.user}\u0000${s.item}`;
    const row = byPair.get(key);
    if (row) row.weight += s.weight;
    else byPair.set(key, { user: s.user, item: s.item, ts: s.ts, weight: s.weight });
  }
  return [...byPair.values()].map((r) => ({ ...r, weight: Math.max(0, r.weight) }));
}

export async function retrainSite(
  env: RegistryEnv,
  siteId: string,
  now: number,
  options: RetrainOptions = {},
): Promise<RetrainOutcome[]> {
  const from = now - TRAINING_WINDOW_DAYS * DAY_MS;
  const [catalog, events] = await Promise.all([
    siteCatalog(siteDatabase(env, siteId), { siteId }),
    loadSiteEvents(siteDatabase(env, siteId), siteId, from),
  ]);
  const signals = signalsOf(events);
  const outcomes = [
    await trainRecommender(
      env,
      siteId,
      now,
      from,
      catalog.map((c) => c.id),
      signals,
      options,
    ),
  ];
  const sessions = await loadSiteSessions(siteDatabase(env, siteId), siteId, from);
  const prices = new Map(catalog.map((c) => [c.id, priceOf(c)]));
  outcomes.push(await trainPropensity(env, siteId, now, from, signals, sessions, prices, options.propensityEpochs));
  // The dropout model (issue 16) only for sites that send learning events.
  const facts = await loadLearningFacts(siteDatabase(env, siteId), siteId, from);
  if (facts.size > 0) {
    const bought = await loadBoughtCourses(siteDatabase(env, siteId), siteId, from);
    outcomes.push(await trainDropout(env, siteId, now, from, facts, options.propensityEpochs, bought));
  }
  return outcomes;
}

async function trainRecommender(
  env: RegistryEnv,
  siteId: string,
  now: number,
  from: number,
  catalog: string[],
  signals: Signal[],
  options: RetrainOptions,
): Promise<RetrainOutcome> {
  const tf = await tensorflow();
  const interactions = aggregateSignals(signals);
  const learners = new Set(interactions.filter((r) => r.weight > 0).map((r) => r.user));
  if (learners.size < MIN_TRAINING_USERS || catalog.length < 2) {
    return { kind: "recommender", model: null, promoted: false, reason: `not enough data (${learners.size} learners)` };
  }
  const started = Date.now();
  // Select and measure without each learner's latest 20% (selection splits the rest again), then
  // refit the chosen candidate on everything.
  const { train, test } = timeHoldout(interactions);
  const pipeline = await runPipeline(tf, train, test, catalog, { mf: options.mf, candidates: options.candidates });
  const { selection, holdout } = pipeline;
  const chosen = selection.chosen;
  const data = buildDataset(interactions, catalog);
  const fitted = await fitCandidate(tf, chosen, data, selection.params[chosen]!, { mf: options.mf });
  const { onnx, maxAbsDiff } = await exportFitted(tf, fitted, data);
  const neighbours =
    fitted.candidate === "item_knn"
      ? fitted.neighbours
      : itemNeighbours(data, selection.params.item_knn?.neighbours ?? ITEM_KNN_NEIGHBOURS);
  const value = pipeline.learners > 0 ? holdout.model["ndcg@10"] : null;
  const verdict = recommenderVerdict(
    value,
    { popularity: holdout.popularity?.["ndcg@10"] ?? 0, item_knn: holdout.item_knn?.["ndcg@10"] ?? 0 },
    chosen,
  );
  const { chosen: _chosen, ...why } = selection;
  const metrics = {
    metric: "ndcg@10",
    value,
    candidate: chosen,
    params: selection.params[chosen]!,
    selection: why,
    holdout: { ...holdout, learners: pipeline.learners },
    learners: data.users.length,
    items: data.items.length,
    interactions: interactions.length,
    train_ms: Date.now() - started,
    export_max_abs_diff: maxAbsDiff,
  };
  const meta: RecommenderMeta = {
    algorithm: chosen,
    items: data.items,
    users: data.users,
    trending: Array.from(trending(data, interactions, now)),
    neighbours: {
      items: neighbours.items.map((a) => Array.from(a)),
      weights: neighbours.weights.map((a) => Array.from(a)),
    },
    popularity: Array.from(popularity(data)),
  };
  return registerCandidate(env, { siteId, kind: "recommender", from, now, metrics, verdict, onnx, meta });
}

/** The ONNX graph of a fitted candidate, checked in ORT; item-kNN and popularity need none. */
async function exportFitted(tf: Tf, fitted: Fitted, data: Dataset) {
  switch (fitted.candidate) {
    case "mf": {
      const onnx = mfOnnx(fitted.model);
      return { onnx, ...(await verifyMf(tf, fitted.model, onnx)) };
    }
    case "ease": {
      const onnx = easeOnnx(fitted.model);
      const histories = data.positives.filter((p) => p.length > 0);
      return { onnx, ...(await verifyEase(fitted.model, onnx, histories)) };
    }
    default:
      return { onnx: null, maxAbsDiff: 0 };
  }
}
