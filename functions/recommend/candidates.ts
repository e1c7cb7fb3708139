// Building a recommendation list: the rules every list obeys (published only, nothing owned or
// excluded, the requested category), filled from the strongest source down: personal (matrix
// factorisation in ORT), also_bought (co-occurrence), trending, then cold_start (newest items).
import type { z } from "@hono/zod-openapi";
import { runMf } from "../../models/onnx/run";
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

/** The learner's own embedding through ORT: top k among eligible items, scored in one call. */
export async function addPersonal(list: ListBuilder, model: Loaded<RecommenderMeta>, user: number): Promise<void> {
  const mask = list.mask(model);
  const k = Math.min(list.k - list.items.length, model.meta.items.length);
  if (k <= 0) return;
  const { scores, items } = await runMf(model.session, user, mask, k);
  items.forEach((i, r) => list.add(model.meta.items[i]!, scores[r]!, "personal"));
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
