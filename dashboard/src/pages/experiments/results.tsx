// One experiment's results (GET /api/v1/experiments/KEY/results): per metric and variant the mean,
// the effect against control with its interval, the p-value (Holm-adjusted across metrics) or the
// chance to win, CUPED's variance reduction, the sample-ratio check, and the primary metric's
// cumulative effect per day as a chart. Creative tests add spend, ROAS and the Thompson allocation.
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import { useSiteApi } from "../../api/hooks";
import {
  ENGINES,
  type Experiment,
  type ExperimentAllocation,
  type ExperimentResults,
} from "../../api/experiment-types";
import { Chart } from "../../components/Chart";
import { type Column, DataTable } from "../../components/DataTable";
import { FilterBar, SelectFilter } from "../../components/Filters";
import { Card, EmptyState, LoadError, Loading, Notice, PageHeader } from "../../components/ui";
import { useFormat, useI18n } from "../../context";
import type { Formatter } from "../../format";
import type { TFunction } from "../../i18n";
import { errorText } from "../../lib/error-text";
import { useQueryState } from "../../lib/url-state";

interface Row {
  id: string;
  metric: ExperimentResults["metrics"][number]["metric"];
  variant: string;
  units: number;
  /** Null when the variant has no units yet (the API's mean is then null, or 0 from an older API). */
  mean: number | null;
  effect: number | null;
  ci: [number, number] | null;
  p: number | null;
  chance: number | null;
  reduction: number | null;
  control: boolean;
}

/** A p-value to four places; below that in scientific notation (3.6e-7) rather than a misleading zero. */
const pText = (f: Formatter, p: number | null) => (p !== null && p > 0 && p < 1e-4 ? p.toExponential(1) : f.score(p));

/** A figure the browser test reads back: the raw number beside its formatted text. */
const cell = (row: Row, field: string, raw: number | null, text: string) => (
  <span data-cell={`${row.metric}:${row.variant}:${field}`} data-value={raw ?? ""}>
    {text}
  </span>
);

export function ExperimentResultsView({ experimentKey }: { experimentKey: string }) {
  const { t } = useI18n();
  const f = useFormat();
  const [query] = useQueryState();
  const engine = ENGINES.find((e) => e === query.engine) ?? "frequentist";
  const path = `/api/v1/experiments/${encodeURIComponent(experimentKey)}`;
  const experiment = useSiteApi<Experiment>(path);
  const results = useSiteApi<ExperimentResults>(`${path}/results`, { engine });
  const creative = experiment.data?.kind === "creative";
  const allocation = useSiteApi<ExperimentAllocation>(creative ? `${path}/allocation` : null);
  const data = results.data;
  const rows: Row[] = useMemo(
    () =>
      // No variant with a unit: nothing to show but the empty state (not 0 visitors and 0.0 %).
      !data || !data.units.some((u) => (u ?? 0) > 0)
        ? []
        : data.metrics.flatMap((m) =>
            data!.variants.map((variant, i) => {
              const r = i === 0 ? null : m.results[i - 1]!;
              return {
                id: `${m.metric}:${variant}`,
                metric: m.metric,
                variant,
                units: data!.units[i] ?? 0,
                mean: data!.units[i] ? (m.means[i] ?? null) : null,
                effect: r?.effect ?? null,
                ci: r?.ci ?? null,
                p: r?.adjusted_p_value ?? null,
                chance: r?.chance_to_win ?? null,
                reduction: r?.variance_reduction ?? null,
                control: i === 0,
              };
            }),
          ),
    [data],
  );
  const option = useMemo(() => (data ? dailyOption(data, t, f) : null), [data, t, f]);
  const bayesian = engine === "bayesian";
  const meanText = (r: Row) =>
    r.mean === null ? t("experiments.no_units_variant") : r.metric === "revenue" ? f.money(r.mean) : f.percent(r.mean);
  const columns: Column<Row>[] = [
    { key: "metric", label: t("experiments.metric"), value: (r) => t(`experiments.metrics.${r.metric}`) },
    {
      key: "variant",
      label: t("experiments.variant"),
      value: (r) => r.variant,
      render: (r) => (r.control ? t("experiments.control_of", { variant: r.variant }) : r.variant),
    },
    { key: "units", label: t("experiments.units"), value: (r) => r.units, kind: "number" },
    {
      key: "mean",
      label: t("experiments.mean"),
      value: (r) => r.mean,
      kind: "number",
      render: (r) => cell(r, "mean", r.mean, meanText(r)),
    },
    {
      key: "effect",
      label: t("experiments.effect"),
      value: (r) => r.effect,
      kind: "change",
      render: (r) => cell(r, "effect", r.effect, r.control ? "" : f.change(r.effect)),
    },
    {
      key: "ci",
      label: t("experiments.ci"),
      value: (r) => (r.ci ? `${r.ci[0]} – ${r.ci[1]}` : ""),
      render: (r) => (r.ci ? `${f.change(r.ci[0])} – ${f.change(r.ci[1])}` : ""),
    },
    bayesian
      ? {
          key: "chance",
          label: t("experiments.chance_to_win"),
          value: (r) => r.chance,
          kind: "percent",
          render: (r) => cell(r, "chance", r.chance, r.control ? "" : f.percent(r.chance)),
        }
      : {
          key: "p",
          label: t("experiments.p_value"),
          value: (r) => r.p,
          kind: "number",
          render: (r) => cell(r, "p", r.p, r.control ? "" : pText(f, r.p)),
        },
    {
      key: "reduction",
      label: t("experiments.variance_reduction"),
      value: (r) => r.reduction,
      kind: "percent",
      render: (r) => (r.reduction === null ? "" : f.percent(r.reduction)),
    },
  ];
  const e = experiment.data;
  if (experiment.error?.status === 404) {
    // One not-found state: no retry (it would not help), no statistics or results for nothing.
    return (
      <>
        <PageHeader title={t("experiments.title")} />
        <Card>
          <EmptyState title={t("experiments.not_found")}>
            <p>
              <a href="/experiments">{t("experiments.back_to_list")}</a>
            </p>
          </EmptyState>
        </Card>
      </>
    );
  }
  return (
    <>
      <PageHeader title={e?.name ?? t("experiments.title")}>
        <a class="button" href="/experiments">
          {t("experiments.all")}
        </a>
      </PageHeader>
      {experiment.error ? (
        <LoadError error={experiment.error} retry={() => experiment.mutate()} />
      ) : e ? (
        <Card title={t("experiments.about")}>
          <dl class="kpis">
            <div class="kpi">
              <dt>{t("common.status")}</dt>
              <dd data-status={e.status}>{t(`experiments.statuses.${e.status}`)}</dd>
            </div>
            <div class="kpi">
              <dt>{t("experiments.kind")}</dt>
              <dd>{t(`experiments.kinds.${e.kind}`)}</dd>
            </div>
            <div class="kpi">
              <dt>{t("experiments.variants")}</dt>
              <dd>{e.variants.map((v) => `${v.key} ${f.percent(v.weight)}`).join(" · ")}</dd>
            </div>
            {e.started_at && (
              <div class="kpi">
                <dt>{t("experiments.started")}</dt>
                <dd>{f.dateTime(e.started_at)}</dd>
              </div>
            )}
            {e.stopped_at && (
              <div class="kpi">
                <dt>{t("experiments.stopped_at")}</dt>
                <dd data-stopped-at={e.stopped_at}>{f.dateTime(e.stopped_at)}</dd>
              </div>
            )}
            {e.status === "stopped" && (
              <div class="kpi">
                <dt>{t("experiments.decision")}</dt>
                <dd>{[e.winner ?? t("experiments.no_winner"), e.decision].filter(Boolean).join(" · ")}</dd>
              </div>
            )}
          </dl>
          {e.hypothesis && (
            <p class="hint">{t("common.labelled", { label: t("experiments.hypothesis"), value: e.hypothesis })}</p>
          )}
        </Card>
      ) : null}
      <FilterBar>
        <SelectFilter
          name="engine"
          label={t("experiments.engine")}
          options={ENGINES.map((x) => ({ value: x, label: t(`experiments.engines.${x}`) }))}
        />
      </FilterBar>
      {data?.srm.warning && (
        <Notice kind="warning">
          <span data-srm-warning>{t("experiments.srm_warning", { p: pText(f, data.srm.p_value) })}</span>
        </Notice>
      )}
      {data && data.issues.length > 0 && (
        <Notice kind="warning">
          {t("experiments.missing_fx", { list: data.issues.map((i) => `${i.currency} ${i.date}`).join(", ") })}
        </Notice>
      )}
      <Card title={t("experiments.results")}>
        <p class="hint">
          {data?.cuped
            ? t("experiments.cuped_on", { from: f.dateTime(data.cuped.pre_from), to: f.dateTime(data.cuped.pre_to) })
            : t("experiments.results_hint")}
        </p>
        {results.error ? (
          <LoadError error={results.error} retry={() => results.mutate()} />
        ) : !data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("experiments.results")}
            columns={columns}
            rows={rows}
            rowKey={(r) => r.id}
            exportName={`experiment-${experimentKey}-${engine}`}
            empty={<EmptyState title={t("experiments.no_units")}>{t("experiments.no_units_next")}</EmptyState>}
          />
        )}
      </Card>
      {data && option && data.daily.some((d) => d.results.some((r) => r.effect !== null)) && (
        <Card title={t("experiments.over_time", { metric: t(`experiments.metrics.${data.metrics[0]!.metric}`) })}>
          <Chart option={option} label={t("experiments.over_time_chart")} height={300} />
        </Card>
      )}
      {creative && data && <Creatives data={data} allocation={allocation} />}
    </>
  );
}

function Creatives({
  data,
  allocation,
}: {
  data: ExperimentResults;
  allocation: ReturnType<typeof useSiteApi<ExperimentAllocation>>;
}) {
  const { t, language } = useI18n();
  const f = useFormat();
  const spend = data.variants.map((variant, i) => ({
    variant,
    cost: data.cost[i] ?? null,
    roas: data.roas[i] ?? null,
  }));
  type Spend = (typeof spend)[number];
  type Share = ExperimentAllocation["variants"][number];
  const spendColumns: Column<Spend>[] = [
    { key: "variant", label: t("experiments.variant"), value: (r) => r.variant },
    { key: "cost", label: t("experiments.cost"), value: (r) => r.cost, kind: "money" },
    { key: "roas", label: t("experiments.roas"), value: (r) => r.roas, kind: "number" },
  ];
  const shareColumns: Column<Share>[] = [
    { key: "variant", label: t("experiments.variant"), value: (r) => r.variant },
    { key: "cost", label: t("experiments.cost"), value: (r) => r.cost, kind: "money" },
    { key: "conversions", label: t("experiments.conversions"), value: (r) => r.conversions, kind: "number" },
    { key: "revenue", label: t("experiments.revenue"), value: (r) => r.revenue, kind: "money" },
    { key: "expected", label: t("experiments.expected_return"), value: (r) => r.expected_return, kind: "number" },
    {
      key: "share",
      label: t("experiments.share"),
      value: (r) => r.share,
      kind: "percent",
      render: (r) => (
        <span data-share={r.variant} data-value={r.share}>
          {f.percent(r.share)}
        </span>
      ),
    },
  ];
  return (
    <>
      <Card title={t("experiments.spend")}>
        <DataTable caption={t("experiments.spend")} columns={spendColumns} rows={spend} rowKey={(r) => r.variant} />
      </Card>
      <Card title={t("experiments.allocation")}>
        <p class="hint">{t("experiments.allocation_hint", { draws: f.number(allocation.data?.draws ?? 10000) })}</p>
        {allocation.error ? (
          <Notice kind="info">
            {allocation.error.status === 409 && allocation.error.code !== "no_spend_yet"
              ? t("experiments.allocation_unavailable")
              : errorText(t, language, allocation.error)}
          </Notice>
        ) : !allocation.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("experiments.allocation")}
            columns={shareColumns}
            rows={allocation.data.variants}
            rowKey={(r) => r.variant}
            exportName={`allocation-${data.experiment}`}
          />
        )}
      </Card>
    </>
  );
}

/** The primary metric's cumulative effect per day for each treatment, with its interval as a band. */
function dailyOption(data: ExperimentResults, t: TFunction, f: Formatter): EChartsCoreOption {
  const days = data.daily.map((d) => f.shortDay(d.day));
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number | null) => f.change(v) },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: days },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => f.change(v) } },
    series: data.variants.slice(1).flatMap((variant, i) => [
      {
        name: t("experiments.effect_of", { variant }),
        type: "line",
        showSymbol: true,
        data: data.daily.map((d) => d.results[i]?.effect ?? null),
      },
      ...(["low", "high"] as const).map((end, k) => ({
        name: t(`experiments.ci_${end}`, { variant }),
        type: "line",
        lineStyle: { type: "dashed", width: 1 },
        symbol: "none",
        data: data.daily.map((d) => d.results[i]?.ci?.[k] ?? null),
      })),
    ]),
  };
}
