// Acquisition: channels, then the sources of a channel, the campaigns of a source and the UTM
// content of a campaign (POST /api/v1/query, one visit dimension per level, the levels above as
// filters), narrowed by country, device, landing page and partner. The level, the path drilled into,
// the filters and the range all live in the URL, so a view can be shared as a link; every figure on
// the page (the table and the totals) is asked with the same filters.
import { useMemo } from "preact/hooks";
import { type Column, DataTable } from "../components/DataTable";
import { DateRangeFilter, FilterBar, useDateRange } from "../components/Filters";
import { Card, EmptyState, Kpi, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { useFormat, useSite, useT } from "../context";
import { channelLabel, valueLabel } from "../lib/metrics";
import { type QueryBody, type QueryFilter, type QueryRow, queryRows, TRAFFIC_METRICS, useQuery } from "../lib/query";
import { useQueryState } from "../lib/url-state";
import { VISIT_FILTERS, type VisitFilter, VisitFilterSelect, visitFilters } from "./acquisition/filters";

/** The drill-down, top to bottom; each level filters by the ones above it. */
export const LEVELS = ["channel", "source", "campaign", "content"] as const;
type Level = (typeof LEVELS)[number];
const DIMENSION: Record<Level, string> = {
  channel: "visit:channel",
  source: "visit:source",
  campaign: "visit:campaign",
  content: "visit:utm_content",
};
export const ACQUISITION_METRICS = TRAFFIC_METRICS;
type Metric = (typeof ACQUISITION_METRICS)[number];
const KINDS = {
  visitors: "number",
  visits: "number",
  conversions: "number",
  conversion_rate: "percent",
  revenue: "money",
  average_order_value: "money",
  cost: "money",
  roi: "percent",
  roas: "number",
} as const;
const LABELS: Record<Metric, string> = {
  visitors: "metrics.visitors",
  visits: "metrics.sessions",
  conversions: "metrics.conversions",
  conversion_rate: "metrics.conversion_rate",
  revenue: "metrics.revenue",
  average_order_value: "metrics.aov",
  cost: "metrics.cost",
  roi: "metrics.roi",
  roas: "metrics.roas",
};

/** The query API gives conversion_rate in percent (Plausible's convention; roi is a ratio); tables show ratios. */
const shown = (m: Metric, v: number | null) => (v !== null && m === "conversion_rate" ? v / 100 : v);

export default function Acquisition() {
  const t = useT();
  const f = useFormat();
  const { readOnly } = useSite();
  const range = useDateRange();
  const [query, setQuery] = useQueryState();
  const level: Level = LEVELS.find((l) => l === query.group_by) ?? "channel";
  const depth = LEVELS.indexOf(level);
  // The values chosen above this level (a link may carry them; deeper ones are ignored).
  const path = LEVELS.slice(0, depth).map((l) => ({ level: l, value: query[l] }));
  const filters: QueryFilter[] = [
    ...path.flatMap((p) => (p.value ? [["is", DIMENSION[p.level], [p.value]] as QueryFilter] : [])),
    ...visitFilters(query),
  ];
  const key = JSON.stringify(filters);
  const table = useQuery(
    useMemo<QueryBody>(
      () => ({
        metrics: ACQUISITION_METRICS,
        dimensions: [DIMENSION[level]],
        filters,
        date_range: [range.from, range.to],
        pagination: { limit: 1000 },
      }),
      [level, key, range.from, range.to],
    ),
  );
  const totals = useQuery(
    useMemo<QueryBody>(
      () => ({ metrics: ACQUISITION_METRICS, dimensions: [], filters, date_range: [range.from, range.to] }),
      [key, range.from, range.to],
    ),
  );
  const rows = useMemo(() => table.data && queryRows(table.data, ACQUISITION_METRICS), [table.data]);
  const total = totals.data && queryRows(totals.data, ACQUISITION_METRICS)[0];
  const next = LEVELS[depth + 1];
  const crumb = (l: Level, value: string) => (l === "channel" ? channelLabel(t, value) : value);

  const drill = (value: string) => next && setQuery({ [level]: value, group_by: next });
  const goTo = (to: number) =>
    setQuery({
      group_by: to === 0 ? null : LEVELS[to],
      ...Object.fromEntries(LEVELS.slice(to).map((l) => [l, null])),
    });

  type Row = QueryRow<Metric>;
  const columns: Column<Row>[] = [
    {
      key: level,
      label: t(`dimensions.${level}`),
      value: (r) => r.key,
      render: (r) => {
        const v = r.key;
        const text = valueLabel(t, v, level === "channel");
        return next ? (
          <button
            type="button"
            class="link"
            onClick={() => drill(v)}
            title={t("acquisition.drill", { level: t(`dimensions.${next}`) })}
          >
            {text}
          </button>
        ) : (
          text
        );
      },
    },
    ...ACQUISITION_METRICS.map((m) => ({
      key: m,
      label: t(LABELS[m] as "metrics.revenue"),
      kind: KINDS[m],
      value: (r: Row) => shown(m, r[m]),
    })),
  ];
  const costUnavailable = [table.data, totals.data].some((d) =>
    d?.meta.warnings.some((w) => w.code === "cost_unavailable"),
  );
  const error = table.error ?? totals.error;

  return (
    <>
      <PageHeader title={t("acquisition.title")} />
      <FilterBar>
        <DateRangeFilter />
        {(Object.keys(VISIT_FILTERS) as VisitFilter[]).map((name) => (
          <VisitFilterSelect key={name} name={name} from={range.from} to={range.to} />
        ))}
      </FilterBar>
      <nav class="breadcrumb" aria-label={t("acquisition.levels")}>
        <ol>
          <li>
            {depth === 0 ? (
              <span aria-current="page">{t("acquisition.all_channels")}</span>
            ) : (
              <button type="button" class="link" onClick={() => goTo(0)}>
                {t("acquisition.all_channels")}
              </button>
            )}
          </li>
          {path.map((p, i) => (
            <li key={p.level}>
              {i + 1 === depth ? (
                <span aria-current="page">
                  {t("common.labelled", {
                    label: t(`dimensions.${p.level}`),
                    value: p.value ? crumb(p.level, p.value) : t("acquisition.any"),
                  })}
                </span>
              ) : (
                <button type="button" class="link" onClick={() => goTo(i + 1)}>
                  {t("common.labelled", {
                    label: t(`dimensions.${p.level}`),
                    value: p.value ? crumb(p.level, p.value) : t("acquisition.any"),
                  })}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <Card title={t("acquisition.by", { level: t(`dimensions.${level}`) })}>
        {error ? (
          <LoadError
            error={error}
            retry={() => {
              void table.mutate();
              void totals.mutate();
            }}
          />
        ) : !rows || !totals.data ? (
          <Loading />
        ) : (
          <>
            {costUnavailable && <Notice kind="info">{t("acquisition.cost_unavailable")}</Notice>}
            <dl class="kpis">
              {(["visitors", "conversions", "revenue", "cost", "roi"] as const).map((m) => (
                <Kpi
                  key={m}
                  id={m}
                  label={t(LABELS[m] as "metrics.revenue")}
                  value={
                    KINDS[m] === "money"
                      ? f.money(total?.[m] ?? null)
                      : KINDS[m] === "percent"
                        ? f.percent(shown(m, total?.[m] ?? null))
                        : f.number(total?.[m] ?? null)
                  }
                  raw={total?.[m] ?? null}
                />
              ))}
            </dl>
            <DataTable
              caption={t("acquisition.by", { level: t(`dimensions.${level}`) })}
              columns={columns}
              rows={rows}
              rowKey={(r) => r.key}
              exportName={`acquisition-${level}-${range.from}-${range.to}`}
              initialSort={{ key: "visitors", dir: "desc" }}
              empty={
                <EmptyState title={t("acquisition.empty_title")}>
                  <p>
                    {t(
                      filters.length > 0
                        ? "acquisition.empty_filtered"
                        : readOnly
                          ? "acquisition.empty_range"
                          : "acquisition.empty_next",
                    )}
                  </p>
                </EmptyState>
              }
            />
          </>
        )}
      </Card>
    </>
  );
}
