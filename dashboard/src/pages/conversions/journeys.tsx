// Journeys (POST /api/v1/journeys): the paths of visits out of a page or into a goal, as a Sankey
// (nodes per step) and the most common whole paths as a table.
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import type { Goal, Journeys as JourneysData } from "../../api/analysis-types";
import { useSiteAnalysis } from "../../api/analysis";
import { useSiteApi } from "../../api/hooks";
import { Chart } from "../../components/Chart";
import { type Column, DataTable } from "../../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../../components/Filters";
import { Card, EmptyState, LoadError, Loading } from "../../components/ui";
import { useFormat, useT } from "../../context";
import type { Formatter } from "../../format";
import { useQueryState } from "../../lib/url-state";
import { stepOptions, toRef } from "./steps";

const STEPS = ["5", "3", "4", "6", "7"];

export default function Journeys() {
  const t = useT();
  const range = useDateRange();
  const [query] = useQueryState();
  const goals = useSiteApi<{ data: Goal[] }>("/api/v1/goals");
  const direction = query.direction === "into" ? "into" : "from";
  const fallback = direction === "into" ? "@purchase" : "@page";
  const anchor = query.anchor || fallback;
  const steps = STEPS.includes(query.depth ?? "") ? Number(query.depth) : 5;
  const journeys = useSiteAnalysis<JourneysData>("/api/v1/journeys", {
    [direction]: toRef(t, anchor),
    steps,
    date_range: { from: range.from, to: range.to },
  });
  const anchors = stepOptions(t, goals.data?.data);
  if (!anchors.some((o) => o.value === anchor)) anchors.push({ value: anchor, label: anchor });
  // The anchor select's default follows the direction (a visit starts on a page, ends in a purchase).
  const anchorOptions = [anchors.find((o) => o.value === fallback)!, ...anchors.filter((o) => o.value !== fallback)];

  return (
    <>
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter
          name="direction"
          label={t("conversions.journeys.direction")}
          options={(["from", "into"] as const).map((d) => ({ value: d, label: t(`conversions.journeys.${d}`) }))}
        />
        <SelectFilter name="anchor" label={t("conversions.journeys.anchor")} options={anchorOptions} />
        <SelectFilter
          name="depth"
          label={t("conversions.journeys.steps")}
          options={STEPS.map((s) => ({ value: s, label: s }))}
        />
      </FilterBar>
      {journeys.error ? (
        <LoadError error={journeys.error} retry={() => journeys.mutate()} />
      ) : !journeys.data ? (
        <Loading />
      ) : (
        <JourneysResult data={journeys.data} />
      )}
    </>
  );
}

function JourneysResult({ data }: { data: JourneysData }) {
  const t = useT();
  const f = useFormat();
  const option = useMemo(() => sankeyOption(data, f), [data, f]);
  type Path = JourneysData["paths"][number];
  const columns: Column<Path>[] = [
    { key: "path", label: t("conversions.journeys.path"), value: (p) => p.steps.join(" → ") },
    { key: "count", label: t("conversions.journeys.visits"), kind: "number", value: (p) => p.count },
    {
      key: "share",
      label: t("conversions.journeys.share"),
      kind: "percent",
      value: (p) => (data.visits ? p.count / data.visits : null),
    },
  ];
  return (
    <Card title={t("conversions.journeys.title", { anchor: data.anchor, visits: f.number(data.visits) })}>
      {data.visits === 0 ? (
        <EmptyState title={t("conversions.journeys.empty")}>
          <p>{t("conversions.journeys.empty_next")}</p>
        </EmptyState>
      ) : (
        <>
          <Chart option={option} label={t("conversions.journeys.chart")} types={["sankey"]} height={420} />
          <DataTable
            caption={t("conversions.journeys.paths")}
            showCaption
            columns={columns}
            rows={data.paths}
            rowKey={(p) => p.steps.join("\u0000")}
            exportName="journeys"
            initialSort={{ key: "count", dir: "desc" }}
          />
        </>
      )}
    </Card>
  );
}

function sankeyOption(data: JourneysData, f: Formatter): EChartsCoreOption {
  const names = new Map(data.nodes.map((n) => [n.id, n.name]));
  return {
    tooltip: {
      trigger: "item",
      formatter: (p: { dataType: string; data: { source?: string; target?: string; name?: string; value: number } }) =>
        p.dataType === "edge"
          ? `${names.get(p.data.source!)} → ${names.get(p.data.target!)}: ${f.number(p.data.value)}`
          : `${names.get(p.data.name!)}: ${f.number(p.data.value)}`,
    },
    series: [
      {
        type: "sankey",
        left: 8,
        right: 120,
        nodeAlign: "left",
        emphasis: { focus: "adjacency" },
        label: { formatter: (p: { name: string }) => names.get(p.name) ?? p.name },
        data: data.nodes.map((n) => ({ name: n.id, value: n.value, depth: n.step })),
        links: data.links,
        lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.4 },
      },
    ],
  };
}
