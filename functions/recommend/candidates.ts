// Building a recommendation list: the rules every list obeys (published only, nothing owned or
// excluded, the requested category), filled from the strongest source down: personal (the active
// model: matrix factorisation or EASE in ORT), also_bought (item-kNN co-occurrence), trending,
// then cold_start (newest items).
import type { z } from "@hono/zod-openapi";
import { historyRow } from "../../models/recs/ease";
import { runEase, runMf } from "../../models/onnx/run";
import type { RecommendedItem } from "../shared/recommend-api";
import { itemKnnScores, type Neighbours } from "../../models/recs/item-knn";
import { topK } from "../../models/recs/metrics";
import type { Loaded, RecommenderMeta } from "./serving";

/** A list entry, as the API returns it (the schema documents it). */
export type Recommended = z.infer<typeof RecommendedItem>;
export type Reason = Recommended["reason"];

/** Which catalog items a list may contain. */
export interface Eligibility {
  /** Published items, or only those in the requested category. */
  allowed: ReadonlySet<string>;
  /** Owned, excluded, the context item. */
  blocked: ReadonlySet<string>;
}

export class ListBuilder {
  readonly items: Recommended[] = [];
  private readonly taken = new Set<string>();

  constructor(
    private readonly rules: Eligibility,
    readonly k: number,
  ) {}

  get full(): boolean {
    return this.items.length >= this.k;
  }

  eligible(id: string): boolean {
    return this.rules.allowed.has(id) && !this.rules.blocked.has(id) && !this.taken.has(id);
  }

  add(id: string, score: number, reason: Reason): void {
    if (this.full || !this.eligible(id) || !Number.isFinite(score)) return;
    this.taken.add(id);
    this.items.push({ id, score, reason });
  }

  /** Adds the best-scoring eligible items of a model's score vector. */
  addScores(model: Loaded<RecommenderMeta>, scores: ArrayLike<number>, reason: Reason, minScore = -Infinity): void {
    if (this.full) return;
    const skip = { has: (i: number) => !this.eligible(model.meta.items[i]!) || !(scores[i]! > minScore) };
    for (const i of topK(scores, this.k - this.items.length, skip)) this.add(model.meta.items[i]!, scores[i]!, reason);
  }

  /** The additive mask ORT applies: 0 for eligible items, -inf for the rest. */
  mask(model: Loaded<RecommenderMeta>): Float32Array {
    return Float32Array.from(model.meta.items, (id) => (this.eligible(id) ? 0 : -Infinity));
  }
}

/** The learner as the active model sees them: their row in MF, their liked items for the others. */
export interface LearnerView {
  key: string;
  /** Items with positive interest, most recent first. */
  liked: readonly string[];
}

const algorithmOf = (model: Loaded<RecommenderMeta>) => model.meta.algorithm ?? "mf"; // meta from before selection

/** The liked items the model knows, as item indices. */
function historyOf(model: Loaded<RecommenderMeta>, liked: readonly string[]): number[] {
  return liked.map((id) => model.itemIndex.get(id)).filter((i) => i !== undefined);
}

/**
 * The active model's own list for the learner: MF (their embedding) and EASE (their history row)
 * through ORT, top k among eligible items in one call; a popularity model's stored counts. An
 * item-kNN model adds nothing here: its list is also_bought, added next in any case.
 */
export async function addPersonal(
  list: ListBuilder,
  model: Loaded<RecommenderMeta>,
  learner: LearnerView,
): Promise<void> {
  const k = Math.min(list.k - list.items.length, model.meta.items.length);
  if (k <= 0) return;
  const algorithm = algorithmOf(model);
  if (algorithm === "popularity") return list.addScores(model, model.meta.popularity, "trending", 0);
  if (!model.session || algorithm === "item_knn") return;
  let result: { scores: Float32Array; items: number[] };
  if (algorithm === "mf") {
    const user = model.userIndex.get(learner.key);
    if (user === undefined) return;
    result = await runMf(model.session, user, list.mask(model), k);
  } else {
    const history = historyOf(model, learner.liked);
    if (history.length === 0) return;
    result = await runEase(model.session, historyRow(history, model.meta.items.length), list.mask(model), k);
  }
  result.items.forEach((i, r) => list.add(model.meta.items[i]!, result.scores[r]!, "personal"));
}

/**
 * The learner's score for every item of the model, for ranking without a propensity model: the
 * active model's own scores, or item-kNN over the liked items for item-kNN and the baseline.
 */
export async function affinityOf(
  model: Loaded<RecommenderMeta>,
  learner: LearnerView,
  baseline: boolean,
): Promise<Map<string, number>> {
  const n = model.meta.items.length;
  const affinity = new Map<string, number>();
  const history = historyOf(model, learner.liked);
  const algorithm = baseline ? "item_knn" : algorithmOf(model);
  let scores: ArrayLike<number> | null = null;
  if (algorithm === "popularity") scores = model.meta.popularity;
  else if (algorithm === "item_knn" || !model.session) scores = itemKnnScores(neighboursOf(model.meta), history, n);
  else if (algorithm === "ease" && history.length) {
    const out = await runEase(model.session, historyRow(history, n), new Float32Array(n), n);
    out.items.forEach((i, r) => affinity.set(model.meta.items[i]!, out.scores[r]!));
  } else if (algorithm === "mf") {
    const user = model.userIndex.get(learner.key);
    if (user !== undefined) {
      const out = await runMf(model.session, user, new Float32Array(n), n);
      out.items.forEach((i, r) => affinity.set(model.meta.items[i]!, out.scores[r]!));
    }
  }
  if (scores) for (let i = 0; i < n; i++) affinity.set(model.meta.items[i]!, scores[i]!);
  return affinity;
}

const typedNeighbours = new WeakMap<RecommenderMeta, Neighbours>();

/** The model's neighbour lists as typed arrays, converted once per loaded model. */
function neighboursOf(meta: RecommenderMeta): Neighbours {
  let typed = typedNeighbours.get(meta);
  if (!typed) {
    typed = {
      items: meta.neighbours.items.map((a) => Int32Array.from(a)),
      weights: meta.neighbours.weights.map((a) => Float32Array.from(a)),
    };
    typedNeighbours.set(meta, typed);
  }
  return typed;
}

/** Co-occurrence with the given items (a context course, or the learner's recent history). */
export function addAlsoBought(list: ListBuilder, model: Loaded<RecommenderMeta>, from: readonly string[]): void {
  const history = from.map((id) => model.itemIndex.get(id)).filter((i) => i !== undefined);
  if (history.length === 0 || list.full) return; // scoring every item is wasted on a full list
  list.addScores(model, itemKnnScores(neighboursOf(model.meta), history, model.meta.items.length), "also_bought", 0);
}

export function addTrending(list: ListBuilder, model: Loaded<RecommenderMeta>): void {
  list.addScores(model, model.meta.trending, "trending", 0);
}
