// Model selection per site. The training period is split again by time (each learner's latest 20%
// of training positives validate); every candidate is fitted on the rest over a small grid of the
// hyperparameters that matter, and the best NDCG@10 on that validation split wins. The final
// holdout is never looked at here: it only measures the chosen candidate (and each other one,
// refitted with its tuned hyperparameters on the whole training period) afterwards.
import type { Tf } from "../tf/backend";
import { trainBpr, type MfModel, type MfOptions } from "./bpr";
import { buildDataset, timeHoldout, type Dataset, type Interaction } from "./dataset";
import { easeFits, easeGram, MAX_EASE_ITEMS } from "./ease";
import {
  CANDIDATES,
  DEFAULT_PARAMS,
  fitCandidate,
  scorerOf,
  type CandidateName,
  type CandidateParams,
  type Fitted,
} from "./fit";
import { itemNeighbours } from "./item-knn";
import { scoreHoldout, type RankingMetrics } from "./metrics";

/** What selection tries. Small on purpose: each EASE λ costs one n x n inverse, each MF row a training run. */
export const GRIDS = {
  item_knn: { neighbours: [20, 50, 100, 200] },
  ease: { lambda: [10, 50, 200, 500, 1500] },
  /** MF: each (dim, l2) pair is trained once, and scored after each of these epochs. */
  mf: { dim: [8, 32], l2: [0.0005], epochs: [10, 20, 30, 50] },
} as const;

/** Always fitted and measured, whatever the candidates: the promotion rule compares with them. */
export const BASELINES: readonly CandidateName[] = ["popularity", "item_knn"];

export interface SelectionOptions {
  /** Limit the candidates that may be chosen (default: all four). */
  candidates?: readonly CandidateName[];
  /** MF options; `dim` or `epochs` given here fix that hyperparameter instead of tuning it. */
  mf?: Partial<MfOptions>;
}

export interface Trial {
  candidate: CandidateName;
  params: Record<string, number>;
  "ndcg@10": number;
}

export interface Selection {
  chosen: CandidateName;
  /** The tuned hyperparameters of every candidate that was fitted. */
  params: Partial<CandidateParams>;
  /** Each candidate's best validation metrics (absent: skipped). */
  validation: Partial<Record<CandidateName, RankingMetrics>>;
  /** Every configuration tried, in order. */
  trials: Trial[];
  /** Candidates left out, and why. */
  skipped: Partial<Record<CandidateName, string>>;
  /** Learners with validation positives. */
  learners: number;
  reason: string;
}

const fmt = (x: number) => x.toFixed(4);

/** Fits every candidate over its grid on the training period's own time split, and picks one. */
export async function selectRecommender(
  tf: Tf,
  train: readonly Interaction[],
  catalog: readonly string[],
  options: SelectionOptions = {},
): Promise<Selection> {
  const { train: fit, test: valid } = timeHoldout(train);
  const data = buildDataset(fit, catalog);
  const skipped: Selection["skipped"] = {};
  if (!easeFits(data.items.length)) {
    skipped.ease = `${data.items.length} items, more than EASE's limit of ${MAX_EASE_ITEMS}`;
  }
  // The baselines are always fitted (the promotion rule measures them); `candidates` limits the choice.
  const run = CANDIDATES.filter(
    (c) => !skipped[c] && (BASELINES.includes(c) || !options.candidates || options.candidates.includes(c)),
  );
  const allowed = run.filter((c) => !options.candidates || options.candidates.includes(c));
  const eligible = allowed.length ? allowed : run;
  const learners = [...valid.values()].filter((items) => items.some((id) => data.itemIndex.has(id))).length;
  if (learners === 0) {
    // Nothing to choose on: every candidate keeps its defaults, and the simplest one is chosen.
    const params = Object.fromEntries(run.map((c) => [c, paramsFor(c, options)]));
    const reason = "no learner has validation positives: the simplest candidate, untuned";
    return { chosen: eligible[0]!, params, validation: {}, trials: [], skipped, learners, reason };
  }
  const trials: Trial[] = [];
  const best: Partial<Record<CandidateName, { params: Record<string, number>; metrics: RankingMetrics }>> = {};
  const record = (candidate: CandidateName, params: Record<string, number>, fitted: Fitted) => {
    const metrics = scoreHoldout(data, valid, { m: scorerOf(fitted, data) }).m;
    trials.push({ candidate, params, "ndcg@10": metrics["ndcg@10"] });
    const current = best[candidate];
    if (!current || metrics["ndcg@10"] > current.metrics["ndcg@10"]) best[candidate] = { params, metrics };
  };
  for (const candidate of run) await tune(tf, candidate, data, options, record);
  let chosen = eligible[0]!;
  for (const c of eligible) if (best[c]!.metrics["ndcg@10"] > best[chosen]!.metrics["ndcg@10"]) chosen = c;
  const validation = Object.fromEntries(run.map((c) => [c, best[c]!.metrics]));
  const params = Object.fromEntries(run.map((c) => [c, best[c]!.params]));
  const others = run
    .filter((c) => c !== chosen)
    .map((c) => `${c} ${fmt(best[c]!.metrics["ndcg@10"])}`)
    .join(", ");
  const reason =
    `best validation NDCG@10 (${learners} learners): ${chosen} ${fmt(best[chosen]!.metrics["ndcg@10"])}` +
    (others ? ` vs ${others}` : "") +
    (eligible.length < run.length ? `; the choice was limited to ${eligible.join(", ")}` : "");
  return { chosen, params, validation, trials, skipped, learners, reason };
}

function paramsFor<C extends CandidateName>(candidate: C, options: SelectionOptions): CandidateParams[C] {
  if (candidate !== "mf") return DEFAULT_PARAMS[candidate];
  const { dim, epochs, l2 } = { ...DEFAULT_PARAMS.mf, ...options.mf };
  return { dim, epochs, l2 } as CandidateParams[C];
}

async function tune(
  tf: Tf,
  candidate: CandidateName,
  data: Dataset,
  options: SelectionOptions,
  record: (candidate: CandidateName, params: Record<string, number>, fitted: Fitted) => void,
): Promise<void> {
  switch (candidate) {
    case "popularity":
      record(candidate, {}, await fitCandidate(tf, "popularity", data, {}));
      return;
    case "item_knn": {
      const neighbours = itemNeighbours(data, Math.max(...GRIDS.item_knn.neighbours));
      for (const k of GRIDS.item_knn.neighbours) {
        record(
          candidate,
          { neighbours: k },
          await fitCandidate(tf, "item_knn", data, { neighbours: k }, { neighbours }),
        );
      }
      return;
    }
    case "ease": {
      const gram = easeGram(data);
      for (const lambda of GRIDS.ease.lambda) {
        record(candidate, { lambda }, await fitCandidate(tf, "ease", data, { lambda }, { gram }));
      }
      return;
    }
    case "mf": {
      const dims = options.mf?.dim !== undefined ? [options.mf.dim] : GRIDS.mf.dim;
      const l2s = options.mf?.l2 !== undefined ? [options.mf.l2] : GRIDS.mf.l2;
      const checkpoints: readonly number[] = options.mf?.epochs !== undefined ? [options.mf.epochs] : GRIDS.mf.epochs;
      const epochs = Math.max(...checkpoints);
      for (const dim of dims) {
        for (const l2 of l2s) {
          // One training run per (dim, l2), scored at each checkpoint while it runs.
          const score = (model: MfModel, at: number) => {
            const params = { dim, epochs: at, l2 };
            record(candidate, params, { candidate: "mf", params, model, epochs: [] });
          };
          const run = await trainBpr(tf, data, { ...options.mf, dim, l2, epochs }, (report, model) => {
            if (checkpoints.includes(report.epoch)) score(model, report.epoch);
          });
          if (run.epochs.length === 0) score(run.model, 0); // epochs 0, or nothing to train on
        }
      }
      return;
    }
  }
}

export interface PipelineResult {
  selection: Selection;
  /** Final holdout metrics: the chosen candidate as `model`, and each fitted candidate. */
  holdout: { model: RankingMetrics } & Partial<Record<CandidateName, RankingMetrics>>;
  /** Held-out learners scored. */
  learners: number;
}

/**
 * The production pipeline on a train/test split: selection on the training period alone, then
 * every selected-for candidate refitted on the whole training period with its tuned
 * hyperparameters and measured on the test set.
 */
export async function runPipeline(
  tf: Tf,
  train: readonly Interaction[],
  test: ReadonlyMap<string, readonly string[]>,
  catalog: readonly string[],
  options: SelectionOptions = {},
): Promise<PipelineResult> {
  const selection = await selectRecommender(tf, train, catalog, options);
  const data = buildDataset(train, catalog);
  const fitted = Object.keys(selection.params) as CandidateName[];
  const scorers = {} as Record<CandidateName, ReturnType<typeof scorerOf>>;
  for (const c of fitted) {
    const f = await fitCandidate(tf, c, data, selection.params[c]!, { mf: options.mf });
    scorers[c] = scorerOf(f, data);
  }
  const metrics = scoreHoldout(data, test, scorers);
  const learners = [...test.values()].filter((items) => items.some((id) => data.itemIndex.has(id))).length;
  return { selection, holdout: { ...metrics, model: metrics[selection.chosen] }, learners };
}
