// The recommenders a retrain chooses among, by name: plain data, so the API schemas (which the
// edge Worker bundles) can name them without pulling in the training code (./fit.ts).

/** The candidates, simplest first: on a tie, the simpler one is chosen. */
export const CANDIDATES = ["popularity", "item_knn", "ease", "mf"] as const;
export type CandidateName = (typeof CANDIDATES)[number];

/** The hyperparameters selection tunes, per candidate (stored in the registry row as they are). */
export interface CandidateParams {
  popularity: Record<string, never>;
  item_knn: { neighbours: number };
  ease: { lambda: number };
  mf: { dim: number; epochs: number; l2: number };
}
