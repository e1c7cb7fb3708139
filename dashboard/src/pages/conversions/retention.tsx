// Retention cohorts (POST /api/v1/retention): who comes back, per cohort and period, as a heatmap
// of rates and a table of the same figures (with the pooled average as the first row).
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import type { Retention as RetentionData } from "../../api/analysis-types";
import { useSiteAnalysis } from "../../api/analysis";
import { Chart } from "../../components/Chart";
import { type Column, DataTable } from "../../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../../components/Filters";
import { Card, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useFormat, useT } from "../../context";
import type { Formatter } from "../../format";
import type { TFunction } from "../../i18n";
import { useQueryState } from "../../lib/url-state";

const COHORTS = ["first_visit", "signup", "first_purchase"] as const;
const PERIODS = ["week", "day", "month"] as const;
const RETURNS = ["any", "lesson", "purchase"] as const;
const pick = <T extends string>(list: readonly T[], v: string | undefined): T => list.find((x) => x === v) ?? list[0]!;

interface Row {
  key: string;
  start: string | null;
  size: number | null;
  rates: (number | null)[];
}

export default function Retention() {
  const t = useT();
  const range = useDateRange();
  const [query] = useQueryState();
  const body = {
    cohort: pick(COHORTS, query.cohort),
    period: pick(PERIODS, query.period),
    return: pick(RETURNS, query.return),
    date_range: { from: range.from, to: range.to },
  };
  const retention = useSiteAnalysis<RetentionData>("/api/v1/retention", body);
  return (
    <>
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter
          name="cohort"
          label={t("conversions.retention.cohort")}
          options={COHORTS.map((c) => ({ value: c, label: t(`conversions.retention.cohorts.${c}`) }))}
        />
        <SelectFilter
          name="period"
          label={t("conversions.retention.period")}
          options={PERIODS.map((p) => ({ value: p, label: t(`conversions.retention.periods.${p}`) }))}
        />
        <SelectFilter
          name="return"
          label={t("conversions.retention.return")}
          options={RETURNS.map((r) => ({ value: r, label: t(`conversions.retention.returns.${r}`) }))}
        />
      </FilterBar>
      {retention.error ? (
        <LoadError error={retention.error} retry={() => retention.mutate()} />
      ) : !retention.data ? (
        <Loading />
      ) : (
        <RetentionResult data={retention.data} />
      )}
    </>
  );
}

function RetentionResult({ data }: { data: RetentionData }) {
  const t = useT();
  const f = useFormat();
  const option = useMemo(() => heatmapOption(data, t, f), [data, t, f]);
  const offsets = Array.from({ length: data.periods }, (_, i) => i);
  const rows: Row[] = [
    { key: "average", start: null, size: null, rates: data.average },
    ...data.cohorts.map((c) => ({ key: c.start, start: c.start, size: c.size, rates: c.rates })),
  ];
  const columns: Column<Row>[] = [
    {
      key: "start",
      label: t("conversions.retention.cohort_start"),
      value: (r) => r.start ?? t("conversions.retention.average"),
      render: (r) => (r.start ? f.day(r.start) : t("conversions.retention.average")),
      sortable: false,
    },
    { key: "size", label: t("conversions.retention.size"), kind: "number", value: (r) => r.size, sortable: false },
    ...offsets.map((i) => ({
      key: `p${i}`,
      label: t(`conversions.retention.offset.${data.period}`, { n: i }),
      kind: "percent" as const,
      value: (r: Row) => r.rates[i] ?? null,
      sortable: false,
    })),
  ];
  const learners = data.cohorts.reduce((n, c) => n + c.size, 0);
  return (
    <>
      {data.notes.length > 0 && <Notice kind="warning">{data.notes.join(" ")}</Notice>}
      <Card title={t("conversions.retention.title")}>
        {learners === 0 ? (
          <EmptyState title={t("conversions.retention.empty")}>
            <p>{t("conversions.retention.empty_next")}</p>
          </EmptyState>
        ) : (
          <>
            <Chart
              option={option}
              label={t("conversions.retention.chart")}
              types={["heatmap"]}
              height={Math.min(640, 120 + 28 * data.cohorts.length)}
            />
            <DataTable
              caption={t("conversions.retention.title")}
              columns={columns}
              rows={rows}
              rowKey={(r) => r.key}
              exportName={`retention-${data.period}`}
            />
          </>
        )}
      </Card>
    </>
  );
}

function heatmapOption(data: RetentionData, t: TFunction, f: Formatter): EChartsCoreOption {
  const x = Array.from({ length: data.periods }, (_, i) => t(`conversions.retention.offset.${data.period}`, { n: i }));
  const y = data.cohorts.map((c) => f.day(c.start));
  const cells = data.cohorts.flatMap((c, yi) =>
    c.rates.flatMap((r, xi) => (r === null ? [] : [[xi, yi, Math.round(r * 1000) / 10]])),
  );
  return {
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        `${y[p.value[1]]} · ${x[p.value[0]]}: ${f.percent(p.value[2] / 100)}`,
    },
    grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
    xAxis: { type: "category", data: x, splitArea: { show: true } },
    yAxis: { type: "category", data: y, inverse: true, splitArea: { show: true } },
    visualMap: {
      min: 0,
      max: 100,
      calculable: false,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      inRange: { color: ["#eef4ff", "#1d4ed8"] },
      formatter: (v: number) => f.percent(v / 100),
    },
    series: [
      {
        type: "heatmap",
        data: cells,
        label: { show: true, formatter: (p: { value: [number, number, number] }) => f.percent(p.value[2] / 100) },
      },
    ],
  };
}
