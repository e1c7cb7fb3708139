// Acquisition: ROI per channel, then the sources of a channel, the campaigns of a source and the
// UTM content of a campaign (GET /api/v1/reports/roi, group_by). The level, the path drilled into,
// the range and the attribution model all live in the URL, so a view can be shared as a link.
import { useSiteApi } from "../api/hooks";
import type { RoiReport, RoiRow } from "../api/types";
import { type Column, DataTable } from "../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../components/Filters";
import { Card, EmptyState, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { useFormat, useSite, useT } from "../context";
import { channelLabel, metricColumns, modelOptions } from "../lib/metrics";
import { useQueryState } from "../lib/url-state";

/** The drill-down, top to bottom; each level filters by the ones above it. */
export const LEVELS = ["channel", "source", "campaign", "content"] as const;
type Level = (typeof LEVELS)[number];

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
  const filters = Object.fromEntries(path.filter((p) => p.value).map((p) => [p.level, p.value]));
  const report = useSiteApi<RoiReport & { filters?: Record<string, string> }>("/api/v1/reports/roi", {
    from: range.from,
    to: range.to,
    model: query.model,
    group_by: level,
    ...filters,
  });
  const next = LEVELS[depth + 1];
  const crumb = (l: Level, value: string) => (l === "channel" ? channelLabel(t, value) : value);

  const drill = (value: string) => next && setQuery({ [level]: value, group_by: next });
  const goTo = (to: number) =>
    setQuery({
      group_by: to === 0 ? null : LEVELS[to],
      ...Object.fromEntries(LEVELS.slice(to).map((l) => [l, null])),
    });

  const columns: Column<RoiRow>[] = [
    {
      key: level,
      label: t(`dimensions.${level}`),
      value: (r) => r[level] ?? "",
      render: (r) => {
        const v = r[level] ?? "";
        const shown = level === "channel" && v ? channelLabel(t, v) : v;
        return next ? (
          <button
            type="button"
            class="link"
            onClick={() => drill(v)}
            title={t("acquisition.drill", { level: t(`dimensions.${next}`) })}
          >
            {shown || t("acquisition.none")}
          </button>
        ) : (
          shown || t("acquisition.none")
        );
      },
    },
    ...metricColumns<RoiRow>(t, [
      "sessions",
      "visitors",
      "conversions",
      "conversion_rate",
      "revenue",
      "cost",
      "roi",
      "roas",
      "cac",
      "aov",
    ]),
  ];
  // A level the server cannot group by yet (it answers 400 about group_by).
  const unsupported = report.error?.status === 400 && report.error.issues.some((i) => i.path === "group_by");
  const unfiltered = report.data && Object.keys(filters).length > 0 && !report.data.filters;

  return (
    <>
      <PageHeader title={t("acquisition.title")} />
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter name="model" label={t("filters.model")} options={modelOptions(t)} />
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
                  {t(`dimensions.${p.level}`)}: {p.value ? crumb(p.level, p.value) : t("acquisition.any")}
                </span>
              ) : (
                <button type="button" class="link" onClick={() => goTo(i + 1)}>
                  {t(`dimensions.${p.level}`)}: {p.value ? crumb(p.level, p.value) : t("acquisition.any")}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <Card title={t("acquisition.by", { level: t(`dimensions.${level}`) })}>
        {unsupported ? (
          <EmptyState title={t("acquisition.unsupported", { level: t(`dimensions.${level}`) })}>
            <button type="button" class="button" onClick={() => goTo(depth - 1)}>
              {t("acquisition.back_up")}
            </button>
          </EmptyState>
        ) : report.error ? (
          <LoadError error={report.error} retry={() => report.mutate()} />
        ) : !report.data ? (
          <Loading />
        ) : (
          <>
            {unfiltered && <Notice kind="warning">{t("acquisition.unfiltered")}</Notice>}
            <DataTable
              caption={t("acquisition.by", { level: t(`dimensions.${level}`) })}
              columns={columns}
              rows={report.data.rows}
              rowKey={(r) => `${r.period}|${r[level] ?? ""}`}
              exportName={`acquisition-${level}-${report.data.from}-${report.data.to}`}
              initialSort={{ key: "revenue", dir: "desc" }}
              empty={
                <EmptyState title={t("acquisition.empty_title")}>
                  <p>{t(readOnly ? "acquisition.empty_range" : "acquisition.empty_next")}</p>
                </EmptyState>
              }
            />
            <p class="hint">
              {t("acquisition.totals", {
                revenue: f.money(report.data.totals.revenue),
                cost: f.money(report.data.totals.cost),
                roi: f.percent(report.data.totals.roi),
              })}
            </p>
          </>
        )}
      </Card>
    </>
  );
}
