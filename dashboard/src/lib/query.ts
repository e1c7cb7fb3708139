// The query API (POST /api/v1/query) from pages: a request built from the URL's filters, and its
// rows turned into plain objects keyed by metric, so tables and tests read figures by name.
import { useSiteAnalysis } from "../api/analysis";
import type { QueryAnswer } from "../api/content-types";

/** The traffic figures Acquisition and the filtered ROI view ask the query API for. */
export const TRAFFIC_METRICS = [
  "visitors",
  "visits",
  "conversions",
  "conversion_rate",
  "revenue",
  "average_order_value",
  "cost",
  "roi",
  "roas",
] as const;

export type QueryFilter = ["is" | "contains", string, string[]];

export interface QueryBody {
  metrics: readonly string[];
  dimensions: readonly string[];
  filters?: QueryFilter[];
  date_range: [string, string];
  order_by?: [string, "asc" | "desc"][];
  pagination?: { limit: number; offset?: number };
}

export type QueryRow<M extends string> = { key: string; dims: string[] } & Record<M, number | null>;

/** Rows of the answer as objects: `key` is the first dimension's value (what tables show). */
export function queryRows<M extends string>(answer: QueryAnswer, metrics: readonly M[]): QueryRow<M>[] {
  return answer.results.map((r) => {
    const row = { key: r.dimensions[0] ?? "", dims: r.dimensions } as QueryRow<M>;
    metrics.forEach((m, i) => ((row as Record<string, unknown>)[m] = r.metrics[i] ?? null));
    return row;
  });
}

/** POST /api/v1/query for the current site (null: not yet). */
export function useQuery(body: QueryBody | null) {
  return useSiteAnalysis<QueryAnswer>("/api/v1/query", body);
}
