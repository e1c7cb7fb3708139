// Retraining, in the recommend Worker's cron or on demand: read a site's signals, train the
// recommender (BPR matrix factorisation, item co-occurrence, trending) and the propensity network,
// measure both on a time-based holdout, export to ONNX, check ORT against tfjs, register, and
// promote only a model at least as good as the active one.
import { tensorflow } from "../../models/tf/backend";
import { mfScores, trainBpr, type MfOptions } from "../../models/recs/bpr";
import { buildDataset, timeHoldout, type Interaction } from "../../models/recs/dataset";
import { scoreHoldout } from "../../models/recs/evaluate";
import { itemKnnScores, itemNeighbours } from "../../models/recs/item-knn";
import { popularity, trending } from "../../models/recs/popularity";
import { signalsOf, type Signal } from "../../models/recs/signals";
import { siteCatalog } from "../../schema/queries/items";
import { loadSiteEvents, loadSiteSessions, priceOf, TRAINING_WINDOW_DAYS } from "./data";
import { registerCandidate, type RetrainOutcome } from "./promotion";
import type { RegistryEnv } from "./registry";
import { verifyMf } from "./verify";
import { trainPropensity } from "./train-propensity";
import { mfOnnx } from "../../models/onnx/mf";
import { DAY_MS } from "../../core/time";

/** Below this many learners with a positive signal, personal models are noise: serve trending. */
export const MIN_TRAINING_USERS = 3;

export interface RetrainOptions {
  mf?: Partial<MfOptions>;
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
  const [catalog, events] = await Promise.all([siteCatalog(env.DB, { siteId }), loadSiteEvents(env.DB, siteId, from)]);
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
  const sessions = await loadSiteSessions(env.DB, siteId, from);
  const prices = new Map(catalog.map((c) => [c.id, priceOf(c)]));
  outcomes.push(await trainPropensity(env, siteId, now, from, signals, sessions, prices, options.propensityEpochs));
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
  // Holdout first: train without each learner's latest 20%, score those, then refit on everything.
  const { train, test } = timeHoldout(interactions);
  const heldOut = buildDataset(train, catalog);
  const trial = await trainBpr(tf, heldOut, options.mf);
  const counts = popularity(heldOut);
  const neighboursHeld = itemNeighbours(heldOut);
  const holdout = scoreHoldout(heldOut, test, {
    model: (u) => (u === undefined ? counts : mfScores(trial.model, u)),
    popularity: () => counts,
    item_knn: (_u, history) => itemKnnScores(neighboursHeld, history, heldOut.items.length),
  });
  const data = buildDataset(interactions, catalog);
  const { model, epochs } = await trainBpr(tf, data, options.mf);
  const onnx = mfOnnx(model);
  const check = await verifyMf(tf, model, onnx);
  const neighbours = itemNeighbours(data);
  const metrics = {
    metric: "ndcg@10",
    value: test.size > 0 ? holdout.model["ndcg@10"] : null,
    holdout: { ...holdout, learners: test.size },
    learners: data.users.length,
    items: data.items.length,
    interactions: interactions.length,
    dim: model.dim,
    epochs: epochs.length,
    ms_per_epoch: epochs.length ? Math.round(epochs.reduce((s, e) => s + e.ms, 0) / epochs.length) : 0,
    train_ms: Date.now() - started,
    export_max_abs_diff: check.maxAbsDiff,
  };
  const meta = {
    items: data.items,
    users: data.users,
    trending: Array.from(trending(data, interactions, now)),
    neighbours: {
      items: neighbours.items.map((a) => Array.from(a)),
      weights: neighbours.weights.map((a) => Array.from(a)),
    },
  };
  return registerCandidate(env, { siteId, kind: "recommender", from, now, metrics, onnx, meta });
}
