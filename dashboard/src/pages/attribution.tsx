// Attribution: the site's conversions and revenue per channel under each of the seven models, side
// by side (GET /api/v1/reports/roi once per model), the site's own Markov chain (GET
// /api/v1/reports/markov) with its transitions as a Sankey, and any conversion paths you upload
// (POST /api/v1/attribution): every model's credit and that chain's transitions.
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import { useSiteApi } from "../api/hooks";
import type { RoiReport } from "../api/types";
import { Chart } from "../components/Chart";
import { type Column, DataTable } from "../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../components/Filters";
import { Card, EmptyState, LoadError, Loading, PageHeader } from "../components/ui";
import { useFormat, useSite, useT } from "../context";
import type { Formatter } from "../format";
import type { TFunction } from "../i18n";
import { ATTRIBUTION_MODELS, channelLabel } from "../lib/metrics";
import { useQueryState } from "../lib/url-state";
import { MarkovPaths } from "./attribution/markov";
import { SiteChain } from "./attribution/site-chain";

type Model = (typeof ATTRIBUTION_MODELS)[number];
const METRICS = ["conversions", "revenue"] as const;
type Metric = (typeof METRICS)[number];

export interface ModelRow {
  channel: string;
  values: Partial<Record<Model, number>>;
}

export default function Attribution() {
  const t = useT();
  const f = useFormat();
  const { readOnly } = useSite();
  const range = useDateRange();
  const [query] = useQueryState();
  const metric: Metric = METRICS.find((m) => m === query.metric) ?? "conversions";
  // One report per model (a fixed list, so the hooks keep their order).
  const reports = ATTRIBUTION_MODELS.map((model) =>
    useSiteApi<RoiReport>("/api/v1/reports/roi", { from: range.from, to: range.to, model, group_by: "channel" }),
  );
  const error = reports.find((r) => r.error)?.error;
  const ready = reports.every((r) => r.data);
  const rows = useMemo(() => {
    if (!ready) return [];
    const byChannel = new Map<string, ModelRow>();
    reports.forEach((r, i) => {
      for (const row of r.data!.rows) {
        const channel = row.channel ?? "";
        const entry = byChannel.get(channel) ?? { channel, values: {} };
        entry.values[ATTRIBUTION_MODELS[i]!] = row[metric];
        byChannel.set(channel, entry);
      }
    });
    return [...byChannel.values()];
  }, [ready, metric, ...reports.map((r) => r.data)]);
  const option = useMemo(() => modelsOption(rows, metric, t, f), [rows, metric, t, f]);
  const columns: Column<ModelRow>[] = [
    {
      key: "channel",
      label: t("dimensions.channel"),
      value: (r) => r.channel,
      render: (r) => (r.channel ? channelLabel(t, r.channel) : t("acquisition.none")),
    },
    ...ATTRIBUTION_MODELS.map((m) => ({
      key: m,
      label: t(`models.${m}`),
      kind: metric === "revenue" ? ("money" as const) : ("number" as const),
      value: (r: ModelRow) => r.values[m] ?? 0,
    })),
  ];

  return (
    <>
      <PageHeader title={t("attribution.title")} />
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter
          name="metric"
          label={t("attribution.metric")}
          options={METRICS.map((m) => ({ value: m, label: t(`metrics.${m}`) }))}
        />
      </FilterBar>
      <Card title={t("attribution.side_by_side", { metric: t(`metrics.${metric}`) })}>
        <p class="hint">{t("attribution.models_intro")}</p>
        {error ? (
          <LoadError error={error} retry={() => reports.forEach((r) => void r.mutate())} />
        ) : !ready ? (
          <Loading />
        ) : (
          <>
            {rows.length > 0 && <Chart option={option} label={t("attribution.chart")} height={320} />}
            <DataTable
              caption={t("attribution.side_by_side", { metric: t(`metrics.${metric}`) })}
              columns={columns}
              rows={rows}
              rowKey={(r) => r.channel}
              exportName={`attribution-${metric}-${range.from}-${range.to}`}
              initialSort={{ key: "last_non_direct", dir: "desc" }}
              empty={
                <EmptyState title={t("attribution.empty")}>
                  <p>{t("attribution.empty_next")}</p>
                </EmptyState>
              }
            />
          </>
        )}
      </Card>
      <SiteChain />
      {!readOnly && <MarkovPaths />}
    </>
  );
}

function modelsOption(rows: ModelRow[], metric: Metric, t: TFunction, f: Formatter): EChartsCoreOption {
  const top = [...rows].sort((a, b) => (b.values.last_non_direct ?? 0) - (a.values.last_non_direct ?? 0)).slice(0, 10);
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number) => (metric === "revenue" ? f.money(v) : f.number(v)) },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: top.map((r) => (r.channel ? channelLabel(t, r.channel) : t("acquisition.none"))) },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => f.number(v) } },
    series: ATTRIBUTION_MODELS.map((m) => ({
      name: t(`models.${m}`),
      type: "bar",
      data: top.map((r) => r.values[m] ?? 0),
    })),
  };
}
