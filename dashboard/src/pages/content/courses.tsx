// The courses part of Pages and courses: every course's learning figures (GET /api/v1/courses), the
// content that needs attention ranked by revenue at stake (GET /api/v1/courses/attention) and, when
// a course is opened (`course` in the URL), its lessons (course-detail.tsx). The course reports
// cover the last N days, N taken from the page's date range.
import { useSiteApi } from "../../api/hooks";
import type { AttentionList, CourseList, CourseReport } from "../../api/content-types";
import { type Column, DataTable } from "../../components/DataTable";
import { type DateRange, useDateRange } from "../../components/Filters";
import { Card, EmptyState, LoadError, Loading } from "../../components/ui";
import { useFormat, useSite, useT } from "../../context";
import { todayIn } from "../../format";
import { useQueryState } from "../../lib/url-state";
import { CourseDetail } from "./course-detail";

/** The course reports' window: the preset's days, or from a custom range's first day to today. */
export function courseDays(range: DateRange, today: string): number {
  if (range.preset !== "custom") return Number.parseInt(range.preset, 10);
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / 86_400_000) + 1;
  return Math.min(365, Math.max(1, days));
}

export function Courses({ courseId }: { courseId: string | null }) {
  const t = useT();
  const f = useFormat();
  const { site, readOnly } = useSite();
  const range = useDateRange();
  const [, setQuery] = useQueryState();
  const days = courseDays(range, todayIn(site?.timezone ?? "UTC"));
  const list = useSiteApi<CourseList>("/api/v1/courses", { days });
  const attention = useSiteApi<AttentionList>("/api/v1/courses/attention", { days });
  const open = (id: string) => setQuery({ course: id });

  const columns: Column<CourseReport>[] = [
    {
      key: "title",
      label: t("content.course"),
      value: (c) => c.title,
      render: (c) => (
        <button type="button" class="link" onClick={() => open(c.course_id)} aria-pressed={c.course_id === courseId}>
          {c.title}
        </button>
      ),
    },
    { key: "enrolments", label: t("content.enrolments"), kind: "number", value: (c) => c.enrolments },
    { key: "completion_rate", label: t("content.completion_rate"), kind: "percent", value: (c) => c.completion_rate },
    {
      key: "drop_off",
      label: t("content.median_drop_off"),
      kind: "percent",
      value: (c) => c.median_drop_off_rate,
    },
    {
      key: "rating",
      label: t("content.rating"),
      kind: "number",
      value: (c) => c.ratings.average,
      render: (c) =>
        c.ratings.average === null ? f.number(null) : t("content.rating_of", { rating: f.rating(c.ratings.average) }),
    },
    { key: "ratings", label: t("content.ratings_count"), kind: "number", value: (c) => c.ratings.count },
    { key: "revenue", label: t("metrics.revenue"), kind: "money", value: (c) => c.revenue },
    {
      key: "recommendation_share",
      label: t("content.recommendation_share"),
      kind: "percent",
      value: (c) => c.recommendation_share,
    },
  ];
  type Attention = AttentionList["data"][number];
  const attentionColumns: Column<Attention>[] = [
    {
      key: "course",
      label: t("content.course"),
      value: (a) => a.course_title,
      render: (a) => (
        <button type="button" class="link" onClick={() => open(a.course_id)}>
          {a.course_title}
        </button>
      ),
    },
    { key: "lesson", label: t("content.lesson"), value: (a) => a.lesson_title ?? "" },
    {
      key: "reasons",
      label: t("content.reasons"),
      value: (a) => a.reasons.map((r) => t(`content.reason.${r}`)).join("; "),
      sortable: false,
    },
    { key: "revenue_at_stake", label: t("content.revenue_at_stake"), kind: "money", value: (a) => a.revenue_at_stake },
  ];
  const windowText =
    list.data && t("content.window", { from: f.dateTime(list.data.from), to: f.dateTime(list.data.to) });

  return (
    <>
      <Card title={t("content.courses")}>
        {list.error ? (
          <LoadError error={list.error} retry={() => list.mutate()} />
        ) : !list.data ? (
          <Loading />
        ) : (
          <>
            <p class="hint">{windowText}</p>
            <DataTable
              caption={t("content.courses")}
              columns={columns}
              rows={list.data.data}
              rowKey={(c) => c.course_id}
              exportName={`courses-${days}d`}
              initialSort={{ key: "revenue", dir: "desc" }}
              empty={
                <EmptyState title={t("content.courses_empty")}>
                  <p>{t(readOnly ? "content.courses_empty_range" : "content.courses_empty_next")}</p>
                </EmptyState>
              }
            />
          </>
        )}
      </Card>
      {courseId && <CourseDetail id={courseId} days={days} close={() => setQuery({ course: null })} />}
      <Card title={t("content.attention")}>
        {attention.error ? (
          <LoadError error={attention.error} retry={() => attention.mutate()} />
        ) : !attention.data ? (
          <Loading />
        ) : (
          <DataTable
            caption={t("content.attention")}
            columns={attentionColumns}
            rows={attention.data.data}
            rowKey={(a) => `${a.course_id}|${a.lesson_id ?? ""}`}
            exportName={`courses-attention-${days}d`}
            initialSort={{ key: "revenue_at_stake", dir: "desc" }}
            empty={
              <EmptyState title={t("content.attention_empty")}>
                <p>{t("content.attention_empty_next")}</p>
              </EmptyState>
            }
          />
        )}
      </Card>
    </>
  );
}
