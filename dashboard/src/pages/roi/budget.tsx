// Budget advice (GET /api/v1/reports/budget): the suggested daily spend per channel, each channel's
// fitted response curve with its current and suggested spend marked, and the expected change in
// daily revenue with its interval. The fitting window lives in the URL (`budget_days`).
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import type { BudgetAdvice } from "../../api/analysis-types";
import { useSiteApi } from "../../api/hooks";
import { Chart } from "../../components/Chart";
import { type Column, DataTable } from "../../components/DataTable";
import { FilterBar, SelectFilter } from "../../components/Filters";
import { Card, EmptyState, Kpi, LoadError, Loading, Notice } from "../../components/ui";
import { useFormat, useT } from "../../context";
import type { Formatter } from "../../format";
import type { TFunction } from "../../i18n";
import { useQueryState } from "../../lib/url-state";
import { channelLabel } from "../../lib/metrics";

const BUDGET_DAYS = ["30", "60", "90", "180"];
/** The API's default window, shown when the URL names none. */
const DEFAULT_BUDGET_DAYS = "90";

/** Budget advice: suggested daily spend per channel, its fitted curves and the expected change. */
export function Budget() {
  const t = useT();
  const f = useFormat();
  const [query] = useQueryState();
  const days = BUDGET_DAYS.includes(query.budget_days ?? "") ? query.budget_days : undefined;
  const advice = useSiteApi<BudgetAdvice>("/api/v1/reports/budget", { days, model: query.model });
  const option = useMemo(() => advice.data && curvesOption(advice.data, t, f), [advice.data, t, f]);
  type Ch = BudgetAdvice["channels"][number];
  const columns: Column<Ch>[] = [
    {
      key: "channel",
      label: t("dimensions.channel"),
      value: (c) => c.channel,
      render: (c) => channelLabel(t, c.channel),
    },
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
          fallback={DEFAULT_BUDGET_DAYS}
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
          {t("roi.budget.excluded", { channels: advice.data.excluded.map((e) => channelLabel(t, e.channel)) })}
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
      name: channelLabel(t, c.channel),
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
