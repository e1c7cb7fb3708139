// Overview: the period's headline figures against the previous period (GET /api/v1/reports/overview),
// revenue and cost per day, the top channels, how fresh the figures are, and, when the server has
// GET /api/v1/realtime, the last 30 minutes.
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import type { ApiError } from "../api/client";
import { useSiteApi } from "../api/hooks";
import type { Overview as OverviewReport, RoiReport } from "../api/types";
import { Chart } from "../components/Chart";
import { type Column, DataTable } from "../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../components/Filters";
import { Card, EmptyState, Kpi, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { useFormat, useSite, useT } from "../context";
import { addDays, type Formatter } from "../format";
import type { ChangeUnit } from "../lib/change";
import { channelLabel, metricColumns, modelOptions } from "../lib/metrics";
import { useQueryState } from "../lib/url-state";
import type { TFunction } from "../i18n";

type ChannelRow = OverviewReport["channels"][number];

export default function Overview() {
  const t = useT();
  const range = useDateRange();
  const [query] = useQueryState();
  const q = { from: range.from, to: range.to, model: query.model };
  const overview = useSiteApi<OverviewReport>("/api/v1/reports/overview", q);
  const daily = useSiteApi<RoiReport>("/api/v1/reports/roi", { ...q, group_by: "channel", period: "day" });

  return (
    <>
      <PageHeader title={t("overview.title")}>
        {overview.data && <Freshness dataUntil={overview.data.data_until} />}
      </PageHeader>
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter name="model" label={t("filters.model")} options={modelOptions(t)} />
      </FilterBar>
      <Realtime />
      {overview.error ? (
        <LoadError error={overview.error} retry={() => overview.mutate()} />
      ) : !overview.data ? (
        <Loading />
      ) : (
        <OverviewBody report={overview.data} daily={daily.data} dailyError={daily.error} />
      )}
    </>
  );
}

function Freshness({ dataUntil }: { dataUntil: string | null }) {
  const t = useT();
  const f = useFormat();
  return (
    <p class="freshness">
      {dataUntil
        ? t("overview.data_until", { time: f.dateTime(dataUntil), ago: f.ago(dataUntil) })
        : t("overview.never_rolled_up")}
    </p>
  );
}

function OverviewBody({
  report,
  daily,
  dailyError,
}: {
  report: OverviewReport;
  daily: RoiReport | undefined;
  dailyError: ApiError | undefined;
}) {
  const t = useT();
  const f = useFormat();
  const { readOnly } = useSite();
  const { totals, change, previous_totals: previous } = report;
  const empty = totals.sessions === 0 && totals.revenue === 0 && totals.cost === 0;
  const option = useMemo(() => daily && revenueCostOption(daily, t, f), [daily, t, f]);
  const kpis: {
    id: string;
    value: string;
    raw: number | null;
    change?: number | null;
    changeUnit?: ChangeUnit;
    lowerIsBetter?: boolean;
  }[] = [
    { id: "visitors", value: f.number(totals.visitors), raw: totals.visitors, change: change.visitors },
    { id: "sessions", value: f.number(totals.sessions), raw: totals.sessions, change: change.sessions },
    ...(typeof totals.signups === "number"
      ? [{ id: "signups", value: f.number(totals.signups), raw: totals.signups, change: change.signups }]
      : []),
    { id: "conversions", value: f.number(totals.conversions), raw: totals.conversions, change: change.conversions },
    { id: "revenue", value: f.money(totals.revenue), raw: totals.revenue, change: change.revenue },
    { id: "cost", value: f.money(totals.cost), raw: totals.cost, change: change.cost, lowerIsBetter: true },
    // The API gives ROI's change as a difference of ratios: percentage points (lib/change.ts).
    { id: "roi", value: f.percent(totals.roi), raw: totals.roi, change: change.roi, changeUnit: "points" },
  ];
  const channelColumns: Column<ChannelRow>[] = [
    {
      key: "channel",
      label: t("dimensions.channel"),
      value: (r) => r.channel,
      render: (r) => channelLink(r, channelLabel(t, r.channel), readOnly),
    },
    ...metricColumns<ChannelRow>(t, ["sessions", "conversions", "revenue", "cost", "roi"]),
  ];
  return (
    <>
      {report.issues.length > 0 && <FxIssues report={report} />}
      {empty && (
        <EmptyState title={t("overview.empty_title")}>
          <p>{t("overview.empty_next")}</p>
          {!readOnly && (
            <a class="button primary" href="/settings/install">
              {t("overview.empty_action")}
            </a>
          )}
        </EmptyState>
      )}
      <Card title={t("overview.headline", { from: f.day(report.from), to: f.day(report.to) })}>
        <dl class="kpis">
          {kpis.map((k) => (
            <Kpi
              key={k.id}
              id={k.id}
              label={t(`metrics.${k.id}` as "metrics.revenue")}
              value={k.value}
              raw={k.raw}
              change={k.change}
              changeUnit={k.changeUnit}
              previous={previous[k.id as keyof typeof previous]}
              higherIsBetter={!k.lowerIsBetter}
            />
          ))}
        </dl>
        <p class="hint">
          {t("overview.previous_period", { from: f.day(report.previous.from), to: f.day(report.previous.to) })}
        </p>
      </Card>
      <Card title={t("overview.revenue_cost")}>
        {dailyError ? (
          <LoadError error={dailyError} />
        ) : option ? (
          <Chart option={option} label={t("overview.revenue_cost")} />
        ) : (
          <Loading />
        )}
      </Card>
      <Card title={t("overview.top_channels")}>
        <DataTable
          caption={t("overview.top_channels")}
          columns={channelColumns}
          rows={report.channels.slice(0, 10)}
          rowKey={(r) => r.channel}
          exportName={`channels-${report.from}-${report.to}`}
          empty={<EmptyState title={t("overview.no_channels")} />}
        />
      </Card>
    </>
  );
}

function channelLink(row: ChannelRow, label: string, readOnly: boolean) {
  if (readOnly) return label;
  const params = new URLSearchParams(location.search);
  params.set("group_by", "source");
  params.set("channel", row.channel);
  return <a href={`/acquisition?${params}`}>{label}</a>;
}

function FxIssues({ report }: { report: OverviewReport }) {
  const t = useT();
  const currencies = [...new Set(report.issues.map((i) => i.currency))].join(", ");
  return <Notice kind="warning">{t("overview.missing_fx", { currencies, count: report.issues.length })}</Notice>;
}

/** Revenue and cost per day of the range (days without rows count as zero). */
export function revenueCostOption(report: RoiReport, t: TFunction, f: Formatter): EChartsCoreOption {
  const days: string[] = [];
  for (let d = report.from; d <= report.to; d = addDays(d, 1)) days.push(d);
  const revenue = new Map<string, number>();
  const cost = new Map<string, number>();
  for (const row of report.rows) {
    revenue.set(row.period, (revenue.get(row.period) ?? 0) + row.revenue);
    cost.set(row.period, (cost.get(row.period) ?? 0) + row.cost);
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    color: ["#1d4ed8", "#c2410c"],
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => f.money(Number(v)) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: days.map((d) => f.shortDay(d)), boundaryGap: false },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => f.number(v) } },
    series: [
      {
        name: t("metrics.revenue"),
        type: "line",
        showSymbol: false,
        data: days.map((d) => round(revenue.get(d) ?? 0)),
      },
      { name: t("metrics.cost"), type: "line", showSymbol: false, data: days.map((d) => round(cost.get(d) ?? 0)) },
    ],
  };
}

/** The last 30 minutes, if this server has GET /api/v1/realtime; the card hides itself otherwise. */
function Realtime() {
  const t = useT();
  const f = useFormat();
  const { readOnly } = useSite();
  // Share links cannot read it (it is no share page), so they do not ask.
  const live = useSiteApi<Record<string, unknown>>(readOnly ? null : "/api/v1/realtime", undefined, {
    refreshInterval: 30_000,
    shouldRetryOnError: false,
  });
  // 404: this server has no realtime endpoint yet. Any failure hides the card: it is a side card,
  // and the period's figures below carry on without it.
  if (live.error || !live.data) return null;
  const fields = (["visitors", "sessions", "pageviews", "events"] as const).filter(
    (k) => typeof live.data![k] === "number",
  );
  if (fields.length === 0) return null;
  return (
    <Card title={t("realtime.title")} class="realtime">
      <dl class="kpis">
        {fields.map((k) => (
          <Kpi
            key={k}
            id={`realtime-${k}`}
            label={t(`realtime.${k}`)}
            value={f.number(live.data![k] as number)}
            raw={live.data![k] as number}
          />
        ))}
      </dl>
    </Card>
  );
}
