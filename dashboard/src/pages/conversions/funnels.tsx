// Funnels (POST /api/v1/funnels): steps chosen from the built-in and saved goals, the window, the
// order and a breakdown, all in the URL; visitors per step as a funnel chart and a table, and the
// breakdown's values as a second table.
import type { EChartsCoreOption } from "echarts/core";
import { useId, useMemo } from "preact/hooks";
import type { Funnel, FunnelStep, Goal } from "../../api/analysis-types";
import { useSiteAnalysis } from "../../api/analysis";
import { useSiteApi } from "../../api/hooks";
import { Chart } from "../../components/Chart";
import { type Column, DataTable } from "../../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../../components/Filters";
import { Card, EmptyState, LoadError, Loading, Notice } from "../../components/ui";
import { useFormat, useT } from "../../context";
import type { Formatter } from "../../format";
import { useQueryState } from "../../lib/url-state";
import { DEFAULT_STEPS, stepOptions, toRef } from "./steps";

const MAX_STEPS = 8;
const WINDOWS = ["14", "1", "7", "30", "90"];
const BREAKDOWNS = ["", "channel", "source", "campaign", "device"] as const;

export default function Funnels() {
  const t = useT();
  const id = useId();
  const range = useDateRange();
  const [query, setQuery] = useQueryState();
  const goals = useSiteApi<{ data: Goal[] }>("/api/v1/goals");
  const tokens = (query.steps || DEFAULT_STEPS).split(",").filter(Boolean).slice(0, MAX_STEPS);
  const order = query.order === "strict" ? "strict" : "sequential";
  const breakdown = BREAKDOWNS.find((b) => b && b === query.breakdown);
  const windowDays = WINDOWS.includes(query.window ?? "") ? Number(query.window) : 14;
  const body =
    tokens.length >= 2
      ? {
          steps: tokens.map((tok) => toRef(t, tok)),
          window: { value: windowDays, unit: "day" },
          order,
          date_range: { from: range.from, to: range.to },
          ...(breakdown && { breakdown }),
        }
      : null;
  const funnel = useSiteAnalysis<Funnel>("/api/v1/funnels", body);
  const options = stepOptions(t, goals.data?.data);
  const setSteps = (next: string[]) => setQuery({ steps: next.join(",") === DEFAULT_STEPS ? null : next.join(",") });

  return (
    <>
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter
          name="window"
          label={t("conversions.funnel.window")}
          options={WINDOWS.map((w) => ({ value: w, label: t("conversions.funnel.days", { count: Number(w) }) }))}
        />
        <SelectFilter
          name="order"
          label={t("conversions.funnel.order")}
          options={(["sequential", "strict"] as const).map((o) => ({ value: o, label: t(`conversions.funnel.${o}`) }))}
        />
        <SelectFilter
          name="breakdown"
          label={t("conversions.funnel.breakdown")}
          options={BREAKDOWNS.map((b) => ({
            value: b,
            label: b ? t(`conversions.by.${b}`) : t("conversions.by.none"),
          }))}
        />
      </FilterBar>
      <Card title={t("conversions.funnel.steps")}>
        <ol class="step-list">
          {tokens.map((tok, i) => (
            <li key={`${i}-${tok}`} class="step-item">
              <label for={`${id}-${i}`}>{t("conversions.funnel.step", { n: i + 1 })}</label>
              <select
                id={`${id}-${i}`}
                value={tok}
                onChange={(e) =>
                  setSteps(tokens.map((x, j) => (j === i ? (e.currentTarget as HTMLSelectElement).value : x)))
                }
              >
                {/* A saved goal deleted since the link was made still shows, by id. */}
                {!options.some((o) => o.value === tok) && <option value={tok}>{tok}</option>}
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              {tokens.length > 2 && (
                <button type="button" class="button small" onClick={() => setSteps(tokens.filter((_, j) => j !== i))}>
                  {t("common.remove")}
                  <span class="visually-hidden"> {t("conversions.funnel.step", { n: i + 1 })}</span>
                </button>
              )}
            </li>
          ))}
        </ol>
        {tokens.length < MAX_STEPS && (
          <button type="button" class="button small" onClick={() => setSteps([...tokens, "@purchase"])}>
            {t("conversions.funnel.add_step")}
          </button>
        )}
        <p class="hint">{t("conversions.funnel.goals_hint")}</p>
      </Card>
      {funnel.error ? (
        <LoadError error={funnel.error} retry={() => funnel.mutate()} />
      ) : !funnel.data ? (
        <Loading />
      ) : (
        <FunnelResult funnel={funnel.data} />
      )}
    </>
  );
}

function FunnelResult({ funnel: data }: { funnel: Funnel }) {
  const t = useT();
  const f = useFormat();
  const option = useMemo(() => funnelOption(data.steps, f), [data, f]);
  const columns: Column<FunnelStep>[] = [
    { key: "label", label: t("conversions.funnel.step_name"), value: (s) => s.label, sortable: false },
    { key: "visitors", label: t("conversions.funnel.visitors"), kind: "number", value: (s) => s.visitors },
    {
      key: "from_previous",
      label: t("conversions.funnel.from_previous"),
      kind: "percent",
      value: (s) => s.conversion_from_previous,
    },
    {
      key: "from_first",
      label: t("conversions.funnel.from_first"),
      kind: "percent",
      value: (s) => s.conversion_from_first,
    },
    { key: "drop_off", label: t("conversions.funnel.drop_off"), kind: "number", value: (s) => s.drop_off },
    {
      key: "median",
      label: t("conversions.funnel.median_time"),
      kind: "number",
      value: (s) => s.median_seconds_from_previous,
      render: (s) => f.duration(s.median_seconds_from_previous),
    },
  ];
  const first = data.steps[0]?.visitors ?? 0;
  return (
    <>
      {data.notes.length > 0 && <Notice kind="warning">{data.notes.join(" ")}</Notice>}
      <Card
        title={t("conversions.funnel.result", { from: f.day(data.date_range.from), to: f.day(data.date_range.to) })}
      >
        {first === 0 ? (
          <EmptyState title={t("conversions.funnel.empty")}>
            <p>{t("conversions.funnel.empty_next")}</p>
          </EmptyState>
        ) : (
          <>
            <Chart option={option} label={t("conversions.funnel.chart")} types={["funnel"]} />
            <DataTable
              caption={t("conversions.funnel.steps")}
              columns={columns}
              rows={data.steps}
              rowKey={(s) => String(s.index)}
              exportName={`funnel-${data.date_range.from}-${data.date_range.to}`}
            />
          </>
        )}
      </Card>
      {data.breakdown && first > 0 && <Breakdown data={data} />}
    </>
  );
}

function Breakdown({ data }: { data: Funnel }) {
  const t = useT();
  type Row = { value: string; steps: FunnelStep[] };
  const by = data.breakdown!.by as "channel";
  const columns: Column<Row>[] = [
    { key: "value", label: t(`conversions.by.${by}`), value: (r) => r.value },
    ...data.steps.map((s, i) => ({
      key: `step${i}`,
      label: s.label,
      kind: "number" as const,
      value: (r: Row) => r.steps[i]?.visitors ?? 0,
    })),
    {
      key: "conversion",
      label: t("conversions.funnel.from_first"),
      kind: "percent",
      value: (r) => r.steps.at(-1)?.conversion_from_first ?? null,
    },
  ];
  return (
    <Card title={t("conversions.funnel.by", { by: t(`conversions.by.${by}`) })}>
      <DataTable
        caption={t("conversions.funnel.by", { by: t(`conversions.by.${by}`) })}
        columns={columns}
        rows={data.breakdown!.values}
        rowKey={(r) => r.value}
        exportName={`funnel-${by}-${data.date_range.from}-${data.date_range.to}`}
      />
    </Card>
  );
}

function funnelOption(steps: FunnelStep[], f: Formatter): EChartsCoreOption {
  const top = Math.max(1, steps[0]?.visitors ?? 1);
  return {
    tooltip: {
      trigger: "item",
      formatter: (p: { name: string; value: number }) => `${p.name}: ${f.number(p.value)}`,
    },
    series: [
      {
        type: "funnel",
        sort: "none",
        min: 0,
        max: top,
        left: "10%",
        width: "80%",
        label: {
          show: true,
          position: "inside",
          formatter: (p: { name: string; value: number }) => `${p.name}\n${f.number(p.value)}`,
        },
        data: steps.map((s) => ({ name: s.label, value: s.visitors })),
      },
    ],
  };
}
