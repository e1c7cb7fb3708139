// What on-page features go with better positions: ordinary least squares of a (query, page) row's
// average position on features of the page and the query, with standard errors and an R² on rows
// held out of the fit. Observational data: a coefficient is a correlation, not proof that changing
// the feature moves the position (better pages get both more links and better titles).
import { LinalgError } from "../linalg";
import { ridge, type RidgeFit, rSquared } from "../analytics/value-model";
import { seededRandom, shuffle } from "../random";

export const RANKING_FEATURES = [
  "keyword_in_title",
  "keyword_in_h1",
  "keyword_in_description",
  "title_length",
  "word_count",
  "internal_links_in",
  "structured_data",
] as const;
/** Fewer (query, page) rows than this and no model is fitted. */
export const MIN_RANKING_ROWS = 30;
export const RANKING_HOLDOUT_SHARE = 0.2;

export interface RankedPage {
  title: string;
  h1: string;
  description: string;
  words: number;
  linksIn: number;
  structuredData: boolean;
}

export interface RankingRow {
  query: string;
  position: number;
  page: RankedPage;
}

export function rankingFeatures(row: RankingRow): number[] {
  const q = row.query.toLowerCase();
  const has = (text: string) => (text.toLowerCase().includes(q) ? 1 : 0);
  return [
    has(row.page.title),
    has(row.page.h1),
    has(row.page.description),
    [...row.page.title].length,
    row.page.words,
    row.page.linksIn,
    row.page.structuredData ? 1 : 0,
  ];
}

export interface RankingModel {
  n_train: number;
  n_holdout: number;
  intercept: number;
  /** Features that did not vary in the training rows, or that others determine, are left out. */
  coefficients: { feature: (typeof RANKING_FEATURES)[number]; estimate: number; standard_error: number }[];
  train_r2: number | null;
  holdout_r2: number | null;
  note: string;
}

export function fitRankingModel(rows: readonly RankingRow[], seed = 1): RankingModel {
  if (rows.length < MIN_RANKING_ROWS)
    throw new RangeError(
      `Too few (query, page) rows with audited pages to fit (${rows.length}; need ${MIN_RANKING_ROWS}).`,
    );
  const order = shuffle(
    rows.map((_, i) => i),
    seededRandom(seed),
  );
  const cut = Math.round(rows.length * RANKING_HOLDOUT_SHARE);
  const test = order.slice(0, cut).map((i) => rows[i]!);
  const train = order.slice(cut).map((i) => rows[i]!);
  const xTrain = train.map(rankingFeatures);
  // Features that do not vary, or that another feature already determines (collinear with the
  // ones before them), cannot be estimated: each is added only if the fit stays unique.
  const varying = RANKING_FEATURES.map((_, j) => j).filter((j) => new Set(xTrain.map((r) => r[j])).size > 1);
  const y = train.map((r) => r.position);
  let keep: number[] = [];
  let fit: RidgeFit | undefined;
  for (const j of varying) {
    const cols = [...keep, j];
    try {
      fit = ridge(
        xTrain.map((x) => cols.map((c) => x[c]!)),
        y,
        0,
      );
      keep = cols;
    } catch (error) {
      if (!(error instanceof LinalgError)) throw error;
    }
  }
  if (!fit || keep.length === 0) throw new RangeError("No feature varies in these rows: nothing to fit.");
  const final = fit;
  const pick = (x: number[]) => keep.map((j) => x[j]!);
  const predict = (r: RankingRow) =>
    pick(rankingFeatures(r)).reduce((s, v, j) => s + v * final.coefficients[j + 1]!, final.coefficients[0]!);
  return {
    n_train: train.length,
    n_holdout: test.length,
    intercept: final.coefficients[0]!,
    coefficients: keep.map((j, k) => ({
      feature: RANKING_FEATURES[j]!,
      estimate: final.coefficients[k + 1]!,
      standard_error: final.standardErrors[k + 1]!,
    })),
    train_r2: rSquared(
      train.map((r) => r.position),
      train.map(predict),
    ),
    holdout_r2: test.length
      ? rSquared(
          test.map((r) => r.position),
          test.map(predict),
        )
      : null,
    note: "Correlation, not proof: positions are observed, not experimented on. A negative estimate goes with a better (lower) position.",
  };
}
