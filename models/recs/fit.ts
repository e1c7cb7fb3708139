// The candidate recommenders every retrain fits and compares: popularity, item-kNN, EASE and
// BPR matrix factorisation. One place knows how to fit each from a Dataset with given
// hyperparameters and how to score a learner with it, so selection, the holdout, the production
// refit and `npm run eval:recs` all run the same code.
import type { Tf } from "../tf/backend";
import { DEFAULT_MF_OPTIONS, mfScores, trainBpr, type EpochReport, type MfModel, type MfOptions } from "./bpr";
import { CANDIDATES, type CandidateName, type CandidateParams } from "./candidates";
import type { Dataset } from "./dataset";
import { easeScores, trainEase, type EaseModel } from "./ease";
import { ITEM_KNN_NEIGHBOURS, itemKnnScores, itemNeighbours, type Neighbours } from "./item-knn";
import type { UserScorer } from "./metrics";
import { popularity } from "./popularity";

export { CANDIDATES, type CandidateName, type CandidateParams };

export type Fitted =
  | { candidate: "popularity"; params: CandidateParams["popularity"]; counts: Float32Array }
  | { candidate: "item_knn"; params: CandidateParams["item_knn"]; neighbours: Neighbours }
  | { candidate: "ease"; params: CandidateParams["ease"]; model: EaseModel }
  | { candidate: "mf"; params: CandidateParams["mf"]; model: MfModel; epochs: EpochReport[] };

/** The default of each candidate, used when there is nothing to tune on. */
export const DEFAULT_PARAMS: CandidateParams = {
  popularity: {},
  item_knn: { neighbours: ITEM_KNN_NEIGHBOURS },
  ease: { lambda: 100 },
  mf: { dim: DEFAULT_MF_OPTIONS.dim, epochs: DEFAULT_MF_OPTIONS.epochs, l2: DEFAULT_MF_OPTIONS.l2 },
};

/** Keeps each item's strongest `k` neighbours (lists are sorted strongest first). */
export function truncateNeighbours(all: Neighbours, k: number): Neighbours {
  return { items: all.items.map((a) => a.subarray(0, k)), weights: all.weights.map((a) => a.subarray(0, k)) };
}

/**
 * Fits one candidate. `mf` carries the MF options selection does not tune (learning rate, batch,
 * seed); `neighbours` may pass precomputed item neighbours (at least params.neighbours deep).
 */
export async function fitCandidate<C extends CandidateName>(
  tf: Tf,
  candidate: C,
  data: Dataset,
  params: CandidateParams[C],
  extra: { mf?: Partial<MfOptions>; neighbours?: Neighbours; gram?: Float64Array } = {},
): Promise<Fitted> {
  switch (candidate) {
    case "popularity":
      return { candidate: "popularity", params: {}, counts: popularity(data) };
    case "item_knn": {
      const p = params as CandidateParams["item_knn"];
      const all = extra.neighbours ?? itemNeighbours(data, p.neighbours);
      return { candidate: "item_knn", params: p, neighbours: truncateNeighbours(all, p.neighbours) };
    }
    case "ease": {
      const p = params as CandidateParams["ease"];
      return { candidate: "ease", params: p, model: trainEase(data, p.lambda, extra.gram) };
    }
    default: {
      const p = params as CandidateParams["mf"];
      const { model, epochs } = await trainBpr(tf, data, { ...extra.mf, dim: p.dim, epochs: p.epochs, l2: p.l2 });
      return { candidate: "mf", params: p, model, epochs };
    }
  }
}

/**
 * Scores for a learner from a fitted candidate. Learners the model never saw get popularity from
 * MF (it has no embedding for them); the history-based candidates score them from their history.
 */
export function scorerOf(fitted: Fitted, data: Dataset): UserScorer {
  const numItems = data.items.length;
  const buffer = new Float32Array(numItems);
  switch (fitted.candidate) {
    case "popularity":
      return () => fitted.counts;
    case "item_knn":
      return (_u, history) => itemKnnScores(fitted.neighbours, history, numItems);
    case "ease":
      return (_u, history) => easeScores(fitted.model, history, buffer);
    case "mf": {
      const counts = popularity(data);
      return (u) => (u === undefined ? counts : mfScores(fitted.model, u, buffer));
    }
  }
}
