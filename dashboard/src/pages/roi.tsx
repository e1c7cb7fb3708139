// ROI and spend: the ROI table by channel, source, campaign or partner with its chart
// (GET /api/v1/reports/roi), ad spend and exchange rates imported from CSV (POST /api/v1/costs,
// /api/v1/fx-rates) and the budget advice with its response curves and interval (GET
// /api/v1/reports/budget). Grouping, model, range, channel and source filters and budget days live in
// the URL; a view filtered by channel or source is read from the query API (roi/filtered.ts).
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import { useRefresh, useSiteApi } from "../api/hooks";
import type { RoiReport, RoiRow } from "../api/types";
import { Chart } from "../components/Chart";
import { CsvImport } from "../components/CsvImport";
import { type Column, DataTable } from "../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../components/Filters";
import { Card, EmptyState, Kpi, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { ValueFilter } from "../components/ValueFilter";
import { useCan, useFormat, useSite, useT } from "../context";
import type { Formatter } from "../format";
import type { TFunction } from "../i18n";
import { channelLabel, metricColumns, modelOptions, valueLabel } from "../lib/metrics";
import { Budget } from "./roi/budget";
import { useQueryState } from "../lib/url-state";
import { ROI_FILTERS, type RoiFilter, roiFilters, useFilteredRoi } from "./roi/filtered";

const GROUPS = ["channel", "source", "campaign", "partner"] as const;
const SPEND_COLUMNS = ["date", "source", "medium", "campaign", "utm_id", "cost", "currency", "impressions", "clicks"];
const FX_COLUMNS = ["date", "currency", "rate"];

export default function Roi() {
  const t = useT();
  const f = useFormat();
  const canManage = useCan("manage");
  const range = useDateRange();
  const refresh = useRefresh();
  const [query] = useQueryState();
  const { site } = useSite();
  const group = GROUPS.find((g) => g === query.group_by) ?? "channel";
  const filters = roiFilters(query);
  const filtered = filters.length > 0;
  const whole = useSiteApi<RoiReport>(filtered ? null : "/api/v1/reports/roi", {
    from: range.from,
    to: range.to,
    model: query.model,
    group_by: group,
  });
  const narrowed = useFilteredRoi(group, filtered ? filters : null, range.from, range.to, site?.currency ?? "");
  const report = filtered ? narrowed : whole;
  const filterSuffix = filters.map((x) => `-${x[2][0]}`).join("");
  const option = useMemo(() => report.data && roiOption(report.data, group, t, f), [report.data, group, t, f]);
  const columns: Column<RoiRow>[] = [
    {
      key: group,
      label: t(`dimensions.${group}`),
      value: (r) => r[group] ?? "",
      render: (r) => valueLabel(t, r[group], group === "channel"),
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
        {(Object.keys(ROI_FILTERS) as RoiFilter[]).map((name) => (
          <ValueFilter
            key={name}
            name={name}
            dimension={ROI_FILTERS[name]}
            label={t(`dimensions.${name}`)}
            from={range.from}
            to={range.to}
            valueLabel={name === "channel" ? (v) => channelLabel(t, v) : undefined}
          />
        ))}
        {!filtered && <SelectFilter name="model" label={t("filters.model")} options={modelOptions(t)} />}
      </FilterBar>
      <Card title={t("roi.by", { group: t(`dimensions.${group}`) })}>
        {report.error ? (
          <LoadError error={report.error} retry={() => report.mutate()} />
        ) : !report.data ? (
          <Loading />
        ) : (
          <>
            {filtered && <Notice kind="info">{t("roi.filtered_note")}</Notice>}
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
              exportName={`roi-${group}${filterSuffix}-${report.data.from}-${report.data.to}`}
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

function roiOption(report: RoiReport, group: string, t: TFunction, f: Formatter): EChartsCoreOption {
  const rows = [...report.rows].sort((a, b) => b.revenue - a.revenue).slice(0, 12);
  const names = rows.map((r) => valueLabel(t, r[group], group === "channel"));
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
