// The ROI table narrowed to a channel or a source. The ROI report is read from per-dimension
// rollups, which cannot cross one dimension with another (the sources of one channel), so a
// filtered view asks the query API instead: its rows come from the visits themselves, each purchase
// counted for the visit it was made in (the last-touch view), with ad spend by the same dimensions.
// The answer is shaped as the ROI report, so the page's KPIs, chart and table read it unchanged;
// figures the query API does not have (CAC, LTV, payback) are blank.
import { useMemo } from "preact/hooks";
import type { RoiMetrics, RoiReport, RoiRow } from "../../api/types";
import { type QueryBody, type QueryFilter, type QueryRow, queryRows, TRAFFIC_METRICS, useQuery } from "../../lib/query";

export const ROI_FILTERS = { channel: "visit:channel", source: "visit:source" } as const;
export type RoiFilter = keyof typeof ROI_FILTERS;
const GROUP_DIMENSIONS = {
  channel: "visit:channel",
  source: "visit:source",
  campaign: "visit:campaign",
  partner: "visit:partner",
} as const;
export const FILTERED_METRICS = TRAFFIC_METRICS;
type Metric = (typeof FILTERED_METRICS)[number];

/** The URL's channel and source filters as query API filters (none: the ROI report applies). */
export function roiFilters(query: Record<string, string>): QueryFilter[] {
  return (Object.keys(ROI_FILTERS) as RoiFilter[]).flatMap((k) =>
    query[k] ? [["is", ROI_FILTERS[k], [query[k]!]] as QueryFilter] : [],
  );
}

function metricsOf(r: QueryRow<Metric> | undefined): RoiMetrics {
  return {
    sessions: r?.visits ?? 0,
    visitors: r?.visitors ?? 0,
    conversions: r?.conversions ?? 0,
    new_customers: null as unknown as number, // not known per visit: shown blank
    revenue: r?.revenue ?? 0,
    cost: r?.cost as number,
    roi: r?.roi ?? null,
    roas: r?.roas ?? null,
    cac: null,
    // The query API gives percent (Plausible's convention); the report gives a ratio.
    conversion_rate: r?.conversion_rate === null || r?.conversion_rate === undefined ? null : r.conversion_rate / 100,
    aov: r?.average_order_value ?? null,
    ltv_30: null,
    ltv_90: null,
    payback_days: null,
  };
}

/** The filtered ROI figures, as a ROI report (null filters: not asked). */
export function useFilteredRoi(
  group: keyof typeof GROUP_DIMENSIONS,
  filters: QueryFilter[] | null,
  from: string,
  to: string,
  currency: string,
) {
  const key = JSON.stringify(filters);
  const rowsBody = useMemo<QueryBody | null>(
    () =>
      filters && {
        metrics: FILTERED_METRICS,
        dimensions: [GROUP_DIMENSIONS[group]],
        filters,
        date_range: [from, to],
        pagination: { limit: 1000 },
      },
    [group, key, from, to],
  );
  const totalsBody = useMemo<QueryBody | null>(
    () => filters && { metrics: FILTERED_METRICS, dimensions: [], filters, date_range: [from, to] },
    [key, from, to],
  );
  const rows = useQuery(rowsBody);
  const totals = useQuery(totalsBody);
  const data = useMemo<RoiReport | undefined>(() => {
    if (!rows.data || !totals.data) return undefined;
    return {
      from,
      to,
      model: "last_touch",
      group_by: group,
      period: "total",
      currency,
      data_until: null,
      rows: queryRows(rows.data, FILTERED_METRICS).map(
        (r) => ({ period: from, [group]: r.key, ...metricsOf(r) }) as RoiRow,
      ),
      totals: metricsOf(queryRows(totals.data, FILTERED_METRICS)[0]),
      issues: [],
    };
  }, [rows.data, totals.data]);
  return {
    data,
    error: rows.error ?? totals.error,
    mutate: () => Promise.all([rows.mutate(), totals.mutate()]),
  };
}
