// ROI and spend: the ROI table by channel, source, campaign or partner with its chart
// (GET /api/v1/reports/roi), ad spend and exchange rates imported from CSV (POST /api/v1/costs,
// /api/v1/fx-rates) and the budget advice with its response curves and interval (GET
// /api/v1/reports/budget). Grouping, model, range and budget days live in the URL.
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import type { BudgetAdvice } from "../api/analysis-types";
import { useRefresh, useSiteApi } from "../api/hooks";
import type { RoiReport, RoiRow } from "../api/types";
import { Chart } from "../components/Chart";
import { CsvImport } from "../components/CsvImport";
import { type Column, DataTable } from "../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../components/Filters";
import { Card, EmptyState, Kpi, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { useCan, useFormat, useT } from "../context";
import type { Formatter } from "../format";
import type { TFunction } from "../i18n";
import { metricColumns, modelOptions } from "../lib/metrics";
import { useQueryState } from "../lib/url-state";

const GROUPS = ["channel", "source", "campaign", "partner"] as const;
const BUDGET_DAYS = ["90", "30", "60", "180"];
const SPEND_COLUMNS = ["date", "source", "medium", "campaign", "utm_id", "cost", "currency", "impressions", "clicks"];
const FX_COLUMNS = ["date", "currency", "rate"];

export default function Roi() {
  const t = useT();
  const f = useFormat();
  const canManage = useCan("manage");
  const range = useDateRange();
  const refresh = useRefresh();
  const [query] = useQueryState();
  const group = GROUPS.find((g) => g === query.group_by) ?? "channel";
  const report = useSiteApi<RoiReport>("/api/v1/reports/roi", {
    from: range.from,
    to: range.to,
    model: query.model,
    group_by: group,
  });
  const option = useMemo(() => report.data && roiOption(report.data, group, t, f), [report.data, group, t, f]);
  const columns: Column<RoiRow>[] = [
    {
      key: group,
      label: t(`dimensions.${group}`),
      value: (r) => r[group] ?? "",
      render: (r) => r[group] || t("acquisition.none"),
    },
    ...metricColumns<RoiRow>(t, [
      "conversions",
      "revenue",
      "cost",
      "roi",
      "roas",
      "cac",
      "aov",
      "ltv_90",
      "payback_days",
    ]),
  ];
  const afterImport = () => void refresh("/api/v1/reports/");

  return (
    <>
      <PageHeader title={t("roi.title")} />
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter
          name="group_by"
          label={t("roi.group_by")}
          options={GROUPS.map((g) => ({ value: g, label: t(`dimensions.${g}`) }))}
        />
        <SelectFilter name="model" label={t("filters.model")} options={modelOptions(t)} />
      </FilterBar>
      <Card title={t("roi.by", { group: t(`dimensions.${group}`) })}>
        {report.error ? (
          <LoadError error={report.error} retry={() => report.mutate()} />
        ) : !report.data ? (
          <Loading />
        ) : (
          <>
            {report.data.issues.length > 0 && (
              <Notice kind="warning">
                {t("roi.missing_fx", {
                  currencies: [...new Set(report.data.issues.map((i) => i.currency))].join(", "),
                })}
              </Notice>
            )}
            <dl class="kpis">
              <Kpi
                id="revenue"
                label={t("metrics.revenue")}
                value={f.money(report.data.totals.revenue)}
                raw={report.data.totals.revenue}
              />
              <Kpi
                id="cost"
                label={t("metrics.cost")}
                value={f.money(report.data.totals.cost)}
                raw={report.data.totals.cost}
              />
              <Kpi
                id="roi"
                label={t("metrics.roi")}
                value={f.percent(report.data.totals.roi)}
                raw={report.data.totals.roi}
              />
              <Kpi
                id="roas"
                label={t("metrics.roas")}
                value={f.number(report.data.totals.roas)}
                raw={report.data.totals.roas}
              />
            </dl>
            {option && report.data.rows.length > 0 && (
              <Chart option={option} label={t("roi.chart", { group: t(`dimensions.${group}`) })} />
            )}
            <DataTable
              caption={t("roi.by", { group: t(`dimensions.${group}`) })}
              columns={columns}
              rows={report.data.rows}
              rowKey={(r) => `${r.period}|${r[group] ?? ""}`}
              exportName={`roi-${group}-${report.data.from}-${report.data.to}`}
              initialSort={{ key: "revenue", dir: "desc" }}
              empty={
                <EmptyState title={t("roi.empty")}>
                  <p>{t(canManage ? "roi.empty_next" : "roi.empty_ask")}</p>
                </EmptyState>
              }
            />
          </>
        )}
      </Card>
      <Budget />
      {canManage && (
        <div class="grid-2">
          <Card title={t("roi.spend.title")}>
            <p>{t("roi.spend.intro")}</p>
            <CsvImport
              endpoint="/api/v1/costs"
              columns={SPEND_COLUMNS}
              example={"date,source,medium,campaign,cost\n2026-11-01,bilibili,cpc,launch,1200"}
              exportName="spend-import"
              onImported={afterImport}
            />
          </Card>
          <Card title={t("roi.fx.title")}>
            <p>{t("roi.fx.intro", { currency: f.currency })}</p>
            <CsvImport
              endpoint="/api/v1/fx-rates"
              columns={FX_COLUMNS}
              example={"date,currency,rate\n2026-11-01,USD,7.12"}
              exportName="fx-import"
              onImported={afterImport}
            />
          </Card>
        </div>
      )}
    </>
  );
}

/** Budget advice: suggested daily spend per channel, its fitted curves and the expected change. */
function Budget() {
  const t = useT();
  const f = useFormat();
  const [query] = useQueryState();
  const days = BUDGET_DAYS.includes(query.budget_days ?? "") ? query.budget_days : undefined;
  const advice = useSiteApi<BudgetAdvice>("/api/v1/reports/budget", { days, model: query.model });
  const option = useMemo(() => advice.data && curvesOption(advice.data, t, f), [advice.data, t, f]);
  type Ch = BudgetAdvice["channels"][number];
  const columns: Column<Ch>[] = [
    { key: "channel", label: t("dimensions.channel"), value: (c) => c.channel },
    { key: "current", label: t("roi.budget.current"), kind: "money", value: (c) => c.current_daily_spend },
    { key: "suggested", label: t("roi.budget.suggested"), kind: "money", value: (c) => c.suggested_daily_spend },
    { key: "change", label: t("roi.budget.change"), kind: "money", value: (c) => c.change },
    {
      key: "revenue_now",
      label: t("roi.budget.revenue_current"),
      kind: "money",
      value: (c) => c.expected_daily_revenue.current,
    },
    {
      key: "revenue_next",
      label: t("roi.budget.revenue_suggested"),
      kind: "money",
      value: (c) => c.expected_daily_revenue.suggested,
    },
    { key: "r2", label: t("roi.budget.r2"), kind: "number", value: (c) => c.fit.r2 },
    { key: "days", label: t("roi.budget.days"), kind: "number", value: (c) => c.fit.days_with_spend },
  ];
  return (
    <Card title={t("roi.budget.title")}>
      <FilterBar>
        <SelectFilter
          name="budget_days"
          label={t("roi.budget.window")}
          options={BUDGET_DAYS.map((d) => ({ value: d, label: t("roi.budget.last_days", { count: Number(d) }) }))}
        />
      </FilterBar>
      {advice.error ? (
        <LoadError error={advice.error} retry={() => advice.mutate()} />
      ) : !advice.data ? (
        <Loading />
      ) : advice.data.channels.length === 0 ? (
        <EmptyState title={t("roi.budget.empty")}>
          <p>{t("roi.budget.empty_next")}</p>
        </EmptyState>
      ) : (
        <>
          <dl class="kpis">
            <Kpi
              id="daily_budget"
              label={t("roi.budget.daily_budget")}
              value={f.money(advice.data.daily_budget)}
              raw={advice.data.daily_budget}
            />
            <Kpi
              id="expected_change"
              label={t("roi.budget.expected_change")}
              value={f.money(advice.data.expected_daily_revenue_change.estimate)}
              raw={advice.data.expected_daily_revenue_change.estimate}
            />
          </dl>
          <p class="hint" data-band>
            {t("roi.budget.band", {
              low: f.money(advice.data.expected_daily_revenue_change.low),
              high: f.money(advice.data.expected_daily_revenue_change.high),
              confidence: f.percent(advice.data.expected_daily_revenue_change.confidence),
            })}
          </p>
          {option && <Chart option={option} label={t("roi.budget.curves")} height={320} types={["marks"]} />}
          <DataTable
            caption={t("roi.budget.title")}
            columns={columns}
            rows={advice.data.channels}
            rowKey={(c) => c.channel}
            exportName={`budget-${advice.data.from}-${advice.data.to}`}
          />
        </>
      )}
      {advice.data && advice.data.excluded.length > 0 && (
        <Notice kind="info">
          {t("roi.budget.excluded", { channels: advice.data.excluded.map((e) => e.channel).join(", ") })}
        </Notice>
      )}
      {advice.data && advice.data.notes.length > 0 && (
        <ul class="hint">
          {advice.data.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function roiOption(report: RoiReport, group: string, t: TFunction, f: Formatter): EChartsCoreOption {
  const rows = [...report.rows].sort((a, b) => b.revenue - a.revenue).slice(0, 12);
  const names = rows.map((r) => r[group] || t("acquisition.none"));
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number) => f.money(v) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => f.number(v) } },
    series: [
      { name: t("metrics.revenue"), type: "bar", data: rows.map((r) => r.revenue) },
      { name: t("metrics.cost"), type: "bar", data: rows.map((r) => r.cost) },
    ],
  };
}

/** Each channel's fitted curve revenue = a·spend^b, with its current and suggested spend marked. */
function curvesOption(advice: BudgetAdvice, t: TFunction, f: Formatter): EChartsCoreOption {
  const top = Math.max(1, ...advice.channels.flatMap((c) => [c.current_daily_spend, c.suggested_daily_spend])) * 1.5;
  const xs = Array.from({ length: 41 }, (_, i) => (top * i) / 40);
  return {
    tooltip: { trigger: "item", valueFormatter: (v: number) => f.money(v) },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 16, top: 36, bottom: 24, containLabel: true },
    xAxis: {
      type: "value",
      name: t("roi.budget.axis_spend"),
      nameLocation: "middle",
      nameGap: 24,
      axisLabel: { formatter: (v: number) => f.number(v) },
    },
    yAxis: { type: "value", name: t("roi.budget.axis_revenue"), axisLabel: { formatter: (v: number) => f.number(v) } },
    series: advice.channels.map((c) => ({
      name: c.channel,
      type: "line",
      showSymbol: false,
      data: xs.map((x) => [x, Math.round(c.fit.a * x ** c.fit.b * 100) / 100]),
      markPoint: {
        symbolSize: 36,
        data: [
          {
            name: t("roi.budget.current"),
            coord: [c.current_daily_spend, c.expected_daily_revenue.current],
            value: t("roi.budget.now"),
          },
          {
            name: t("roi.budget.suggested"),
            coord: [c.suggested_daily_spend, c.expected_daily_revenue.suggested],
            value: t("roi.budget.next"),
          },
        ],
      },
    })),
  };
}
