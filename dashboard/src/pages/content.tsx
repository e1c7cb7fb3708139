// Pages and courses: landing pages (or every page) with visitors, engaged time, conversions and
// revenue (POST /api/v1/query by visit:entry_page or event:page), then the courses' learning figures
// (GET /api/v1/courses), what needs attention (GET /api/v1/courses/attention) and one course lesson
// by lesson (GET /api/v1/courses/{id}). Range, view, path filter and the open course live in the URL.
import { useId, useMemo } from "preact/hooks";
import { type Column, DataTable } from "../components/DataTable";
import { DateRangeFilter, FilterBar, SelectFilter, useDateRange } from "../components/Filters";
import { Card, EmptyState, LoadError, Loading, Notice, PageHeader } from "../components/ui";
import { useFormat, useSite, useT } from "../context";
import { valueLabel } from "../lib/metrics";
import { type QueryBody, type QueryFilter, type QueryRow, queryRows, useQuery } from "../lib/query";
import { useQueryState } from "../lib/url-state";
import { Courses } from "./content/courses";

export const PAGE_VIEWS = { landing: "visit:entry_page", all: "event:page" } as const;
export const PAGE_METRICS = [
  "visitors",
  "visits",
  "engaged_time",
  "conversions",
  "conversion_rate",
  "revenue",
] as const;
type PageMetric = (typeof PAGE_METRICS)[number];

/** The query the pages table asks: one row per page, most visitors first. */
export function pagesQuery(view: keyof typeof PAGE_VIEWS, from: string, to: string, path: string): QueryBody {
  const dimension = PAGE_VIEWS[view];
  const filters: QueryFilter[] = path ? [["contains", dimension, [path]]] : [];
  return {
    metrics: PAGE_METRICS,
    dimensions: [dimension],
    filters,
    date_range: [from, to],
    pagination: { limit: 500 },
  };
}

export default function Content() {
  const t = useT();
  const [query] = useQueryState();
  return (
    <>
      <PageHeader title={t("content.title")} />
      <FilterBar>
        <DateRangeFilter />
        <SelectFilter
          name="view"
          label={t("content.view")}
          options={(["landing", "all"] as const).map((v) => ({ value: v, label: t(`content.views.${v}`) }))}
        />
        <PathFilter />
      </FilterBar>
      <Pages />
      <Courses courseId={query.course ?? null} />
    </>
  );
}

/** "Path contains": applied when the field is left or Enter is pressed. */
function PathFilter() {
  const t = useT();
  const id = useId();
  const [query, setQuery] = useQueryState();
  return (
    <div class="filter filter-item">
      <label for={id}>{t("content.path_contains")}</label>
      <input
        id={id}
        type="search"
        value={query.path ?? ""}
        placeholder="/courses/"
        onChange={(e) => setQuery({ path: (e.currentTarget as HTMLInputElement).value.trim() || null })}
      />
    </div>
  );
}

function Pages() {
  const t = useT();
  const f = useFormat();
  const { readOnly } = useSite();
  const range = useDateRange();
  const [query] = useQueryState();
  const view = query.view === "all" ? "all" : "landing";
  const body = useMemo(
    () => pagesQuery(view, range.from, range.to, query.path ?? ""),
    [view, range.from, range.to, query.path],
  );
  const answer = useQuery(body);
  const rows = useMemo(() => answer.data && queryRows(answer.data, PAGE_METRICS), [answer.data]);
  type Row = QueryRow<PageMetric>;
  const columns: Column<Row>[] = [
    { key: "page", label: t("content.page"), value: (r) => r.key, render: (r) => valueLabel(t, r.key) },
    { key: "visitors", label: t("metrics.visitors"), kind: "number", value: (r) => r.visitors },
    { key: "visits", label: t("metrics.sessions"), kind: "number", value: (r) => r.visits },
    {
      key: "engaged_time",
      label: t("content.engaged_time"),
      kind: "number",
      value: (r) => r.engaged_time,
      render: (r) => f.duration(r.engaged_time),
    },
    { key: "conversions", label: t("metrics.conversions"), kind: "number", value: (r) => r.conversions },
    {
      key: "conversion_rate",
      label: t("metrics.conversion_rate"),
      kind: "percent",
      // The query API gives percent (Plausible's convention); the table shows ratios as percentages.
      value: (r) => (r.conversion_rate === null ? null : r.conversion_rate / 100),
    },
    { key: "revenue", label: t("metrics.revenue"), kind: "money", value: (r) => r.revenue },
  ];
  const title = t(`content.views_title.${view}`);
  return (
    <Card title={title}>
      {answer.error ? (
        <LoadError error={answer.error} retry={() => answer.mutate()} />
      ) : !rows ? (
        <Loading />
      ) : (
        <>
          {(answer.data?.meta.total_rows ?? 0) > rows.length && (
            <Notice kind="info">{t("content.truncated", { shown: rows.length })}</Notice>
          )}
          <DataTable
            caption={title}
            columns={columns}
            rows={rows}
            rowKey={(r) => r.key}
            exportName={`pages-${view}-${range.from}-${range.to}`}
            initialSort={{ key: "visitors", dir: "desc" }}
            empty={
              <EmptyState title={t("content.pages_empty")}>
                <p>{t(readOnly ? "content.pages_empty_range" : "content.pages_empty_next")}</p>
              </EmptyState>
            }
          />
        </>
      )}
    </Card>
  );
}
