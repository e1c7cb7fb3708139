// One course, lesson by lesson (GET /api/v1/courses/{id}): headline figures with the ratings trend,
// the learners who reach each lesson as a drop-off funnel, the watch-through curve of its videos, and
// a table of every lesson with its drop-off and quiz pass rate.
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "preact/hooks";
import { useSiteApi } from "../../api/hooks";
import type { CourseOne, CourseReport, LessonFigures } from "../../api/content-types";
import { Chart } from "../../components/Chart";
import { type Column, DataTable } from "../../components/DataTable";
import { Card, EmptyState, Kpi, LoadError, Loading } from "../../components/ui";
import { useFormat, useT } from "../../context";
import type { Formatter } from "../../format";
import type { TFunction } from "../../i18n";

export function CourseDetail({ id, days, close }: { id: string; days: number; close: () => void }) {
  const t = useT();
  const course = useSiteApi<CourseOne>(`/api/v1/courses/${encodeURIComponent(id)}`, { days });
  const actions = (
    <button type="button" class="button small" onClick={close}>
      {t("content.close_course")}
    </button>
  );
  return (
    <Card
      title={course.data ? t("content.course_title", { title: course.data.data.title }) : t("content.course")}
      actions={actions}
    >
      {course.error ? (
        <LoadError error={course.error} retry={() => course.mutate()} />
      ) : !course.data ? (
        <Loading />
      ) : (
        <Figures course={course.data.data} />
      )}
    </Card>
  );
}

function Figures({ course: c }: { course: CourseReport }) {
  const t = useT();
  const f = useFormat();
  const funnel = useMemo(() => funnelOption(c.lessons, f), [c, f]);
  const curve = useMemo(() => watchOption(c, t, f), [c, t, f]);
  const columns: Column<LessonFigures>[] = [
    { key: "position", label: "#", kind: "number", value: (l) => l.position + 1 },
    { key: "title", label: t("content.lesson"), value: (l) => l.title },
    { key: "learners", label: t("content.learners"), kind: "number", value: (l) => l.learners },
    { key: "completed", label: t("content.completed"), kind: "number", value: (l) => l.completed },
    { key: "stopped_here", label: t("content.stopped_here"), kind: "number", value: (l) => l.stopped_here },
    { key: "drop_off_rate", label: t("content.drop_off"), kind: "percent", value: (l) => l.drop_off_rate },
    {
      key: "watch",
      label: t("content.average_watch"),
      kind: "percent",
      value: (l) => (l.average_watch_percent === null ? null : l.average_watch_percent / 100),
    },
    { key: "quiz_pass_rate", label: t("content.quiz_pass_rate"), kind: "percent", value: (l) => l.quiz?.pass_rate },
  ];
  const trend = c.ratings.trend;
  return (
    <>
      <dl class="kpis">
        <Kpi id="enrolments" label={t("content.enrolments")} value={f.number(c.enrolments)} raw={c.enrolments} />
        <Kpi
          id="completion_rate"
          label={t("content.completion_rate")}
          value={f.percent(c.completion_rate)}
          raw={c.completion_rate}
        />
        <Kpi
          id="quiz_pass_rate"
          label={t("content.quiz_pass_rate")}
          value={f.percent(c.quiz_pass_rate)}
          raw={c.quiz_pass_rate}
        />
        <Kpi id="course_revenue" label={t("metrics.revenue")} value={f.money(c.revenue)} raw={c.revenue} />
        <Kpi
          id="rating"
          label={t("content.rating")}
          value={
            c.ratings.average === null
              ? f.rating(null)
              : t("content.rating_of", { rating: f.rating(c.ratings.average) })
          }
          raw={c.ratings.average}
        />
      </dl>
      <p class="hint" data-ratings-trend={trend ?? ""}>
        {c.ratings.previous_average === null
          ? t("content.ratings_no_previous", { count: c.ratings.count })
          : t("content.ratings_trend", {
              count: c.ratings.count,
              previous: t("content.rating_of", { rating: f.rating(c.ratings.previous_average) }),
              trend: `${trend !== null && trend > 0 ? "+" : ""}${f.rating(trend)}`,
            })}
      </p>
      {c.lessons.length === 0 ? (
        <EmptyState title={t("content.no_lessons")}>
          <p>{t("content.no_lessons_next")}</p>
        </EmptyState>
      ) : (
        <>
          <div class="grid-2">
            <Chart option={funnel} label={t("content.funnel_chart")} types={["funnel"]} />
            <Chart option={curve} label={t("content.watch_chart")} />
          </div>
          <DataTable
            caption={t("content.lessons")}
            columns={columns}
            rows={c.lessons}
            rowKey={(l) => l.id}
            exportName={`course-${c.course_id}-lessons`}
            initialSort={{ key: "position", dir: "asc" }}
          />
        </>
      )}
    </>
  );
}

/** Learners reaching each lesson, in course order: the narrowing is the drop-off. */
function funnelOption(lessons: LessonFigures[], f: Formatter): EChartsCoreOption {
  const top = Math.max(1, ...lessons.map((l) => l.learners));
  return {
    tooltip: { trigger: "item", formatter: (p: { name: string; value: number }) => `${p.name}: ${f.number(p.value)}` },
    series: [
      {
        type: "funnel",
        sort: "none",
        min: 0,
        max: top,
        left: "5%",
        width: "90%",
        label: { show: true, position: "inside" },
        data: lessons.map((l) => ({ name: `${l.position + 1}. ${l.title}`, value: l.learners })),
      },
    ],
  };
}

/** Share of video views reaching 25, 50, 75 and 100 %. */
function watchOption(c: CourseReport, t: TFunction, f: Formatter): EChartsCoreOption {
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number) => f.percent(v) },
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    xAxis: { type: "category", data: c.watch_through.map((w) => `${w.percent}%`), name: t("content.watched") },
    yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v: number) => f.percent(v) } },
    series: [{ type: "line", name: t("content.watch_share"), data: c.watch_through.map((w) => w.share) }],
  };
}
