// Course structure, learning events and course reports: a known event set with its figures
// worked out by hand below, and bad input (unknown course or lesson, bad values) in the envelope.
import { siteDatabase } from "../../schema/databases";
import { describe, expect, it } from "vitest";
import { api, collect, createSite, eventsLanded, expectError, type TestSite, unique } from "./helpers";
import { expectDocumented } from "./documented";

const HOUR = 3_600_000;

async function courseSite(): Promise<TestSite> {
  const site = await createSite({ currency: "CNY" });
  const item = await api(`/api/v1/items/c1?site_id=${site.id}`, {
    method: "PUT",
    token: site.ingest,
    json: { title: "Course one", price: 100, currency: "CNY" },
  });
  expect(item.status).toBe(200);
  const res = await api("/api/v1/items/c1/lessons", {
    method: "PUT",
    token: site.ingest,
    json: {
      modules: [
        {
          id: "m1",
          title: "Basics",
          lessons: [
            { id: "l1", title: "Intro", type: "video", duration_seconds: 600 },
            { id: "l2", title: "Reading", type: "article" },
          ],
        },
        { id: "m2", title: "Check", lessons: [{ id: "l3", title: "Quiz", type: "quiz" }] },
      ],
    },
  });
  expect(res.status).toBe(200);
  return site;
}

const send = (site: TestSite, events: unknown[]) =>
  api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });

describe("course structure", () => {
  it("stores modules and lessons in order and reads them back", async () => {
    const site = await courseSite();
    const res = await api("/api/v1/items/c1/lessons", { token: site.read });
    const body = (await res.json()) as { modules: { id: string; lessons: { id: string; position: number }[] }[] };
    await expectDocumented("get /api/v1/items/{id}/lessons", 200, body);
    expect(body.modules.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(body.modules.flatMap((m) => m.lessons.map((l) => [l.id, l.position]))).toEqual([
      ["l1", 0],
      ["l2", 1],
      ["l3", 2],
    ]);
  });

  it("rejects unknown courses, bad lesson types and duplicate lessons with the envelope", async () => {
    const site = await courseSite();
    const lesson = { id: "a", title: "A", type: "video" };
    await expectError(
      await api("/api/v1/items/nope/lessons", {
        method: "PUT",
        token: site.ingest,
        json: { modules: [{ id: "m", title: "M", lessons: [lesson] }] },
      }),
      404,
      "unknown_course",
    );
    await expectError(
      await api("/api/v1/items/c1/lessons", {
        method: "PUT",
        token: site.ingest,
        json: { modules: [{ id: "m", title: "M", lessons: [{ ...lesson, type: "podcast" }] }] },
      }),
      400,
      "validation_failed",
      "modules.0.lessons.0.type",
    );
    await expectError(
      await api("/api/v1/items/c1/lessons", {
        method: "PUT",
        token: site.ingest,
        json: { modules: [{ id: "m", title: "M", lessons: [lesson, lesson] }] },
      }),
      400,
      "validation_failed",
      "modules.0.lessons.1.id",
    );
  });
});

describe("learning events: bad input", () => {
  const ev = (type: string, props: Record<string, unknown>) => ({ id: unique("e"), type, user_id: "u", props });
  it("server API: unknown course or lesson, bad progress, ratings out of range", async () => {
    const site = await courseSite();
    await expectError(
      await send(site, [ev("lesson_start", { course_id: "zz", lesson_id: "l1" })]),
      400,
      "unknown_course",
      "events.0.props.course_id",
    );
    await expectError(
      await send(site, [ev("lesson_start", { course_id: "c1", lesson_id: "l9" })]),
      400,
      "unknown_lesson",
      "events.0.props.lesson_id",
    );
    await expectError(
      await send(site, [ev("lesson_start", { course_id: "c1" })]),
      400,
      "invalid_event",
      "events.0.props.lesson_id",
    );
    await expectError(
      await send(site, [ev("lesson_progress", { course_id: "c1", lesson_id: "l1", percent: 150 })]),
      400,
      "invalid_event",
      "events.0.props.percent",
    );
    await expectError(
      await send(site, [ev("lesson_progress", { course_id: "c1", lesson_id: "l1", seconds: -1 })]),
      400,
      "invalid_event",
      "events.0.props.seconds",
    );
    await expectError(
      await send(site, [ev("lesson_progress", { course_id: "c1", lesson_id: "l1" })]),
      400,
      "invalid_event",
      "events.0.props.percent",
    );
    await expectError(
      await send(site, [ev("quiz_submit", { course_id: "c1", lesson_id: "l3", score: 101, passed: "yes" })]),
      400,
      "invalid_event",
      "events.0.props.passed",
    );
    await expectError(
      await send(site, [ev("rating", { course_id: "c1", stars: 6 })]),
      400,
      "invalid_event",
      "events.0.props.stars",
    );
    await expectError(
      await send(site, [ev("rating", { course_id: "c1", stars: 3.5 })]),
      400,
      "invalid_event",
      "events.0.props.stars",
    );
    await expectError(
      await send(site, [ev("rating", { course_id: "c1", stars: 4, comment: "x".repeat(1001) })]),
      400,
      "invalid_event",
      "events.0.props.comment",
    );
    const ok = await send(site, [ev("rating", { course_id: "c1", stars: 4, comment: "y".repeat(900) })]);
    expect(ok.status).toBe(202);
  });

  it("public collector keeps the good event beside a bad one", async () => {
    const site = await courseSite();
    const res = await collect(site, [
      { id: unique("e"), type: "lesson_start", props: { course_id: "c1", lesson_id: "l1" } },
      { id: unique("e"), type: "lesson_start", props: { course_id: "c1", lesson_id: "nope" } },
    ]);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; code: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([expect.objectContaining({ index: 1, code: "unknown_lesson" })]);
  });
});

describe("course reports", () => {
  it("lesson funnel, drop-off, watch-through, quizzes, ratings, refunds and revenue on a known event set", async () => {
    const site = await courseSite();
    const t0 = Date.now() - 5 * 24 * HOUR;
    let n = 0;
    const at = (
      user: string,
      type: string,
      props: Record<string, unknown>,
      h: number,
      extra: Record<string, unknown> = {},
    ) => ({
      id: `e${n++}`,
      type,
      user_id: user,
      ts: t0 + h * HOUR,
      props: { course_id: "c1", ...props },
      ...extra,
    });
    const buy = (user: string, order: string, h: number, extra: Record<string, unknown> = {}) => ({
      id: `e${n++}`,
      type: "purchase",
      user_id: user,
      ts: t0 + h * HOUR,
      order_id: order,
      revenue: 100,
      currency: "CNY",
      items: [{ id: "c1", price: 100 }],
      ...extra,
    });
    const events = [
      // u1 bought through a recommendation and finishes everything, 10 hours after the first start.
      buy("u1", "o1", -1, { rec_id: "r1" }),
      at("u1", "lesson_start", { lesson_id: "l1" }, 0),
      at("u1", "lesson_progress", { lesson_id: "l1", percent: 50 }, 0.5),
      at("u1", "lesson_complete", { lesson_id: "l1" }, 1),
      at("u1", "lesson_start", { lesson_id: "l2" }, 2),
      at("u1", "lesson_complete", { lesson_id: "l2" }, 3),
      at("u1", "lesson_start", { lesson_id: "l3" }, 9),
      at("u1", "quiz_submit", { lesson_id: "l3", score: 80, passed: true }, 9.5),
      at("u1", "lesson_complete", { lesson_id: "l3" }, 10),
      at("u1", "rating", { stars: 4 }, 11),
      // u2 bought, watched a quarter of l1 (150 s of 600), started it again, then asked for a refund.
      buy("u2", "o2", -1),
      at("u2", "lesson_start", { lesson_id: "l1" }, 0),
      at("u2", "lesson_progress", { lesson_id: "l1", seconds: 150 }, 0.2),
      at("u2", "lesson_start", { lesson_id: "l1" }, 1),
      { id: `e${n++}`, type: "refund", user_id: "u2", ts: t0 + 20 * HOUR, order_id: "o2" },
      // u3 (free) stops at l2.
      at("u3", "lesson_start", { lesson_id: "l1" }, 0),
      at("u3", "lesson_complete", { lesson_id: "l1" }, 1),
      at("u3", "lesson_start", { lesson_id: "l2" }, 2),
      // u4 (free) fails the quiz and stops there; rates 2 stars.
      at("u4", "lesson_start", { lesson_id: "l1" }, 0),
      at("u4", "lesson_complete", { lesson_id: "l1" }, 1),
      at("u4", "lesson_start", { lesson_id: "l2" }, 2),
      at("u4", "lesson_complete", { lesson_id: "l2" }, 3),
      at("u4", "lesson_start", { lesson_id: "l3" }, 4),
      at("u4", "quiz_submit", { lesson_id: "l3", score: 40, passed: false }, 5),
      at("u4", "rating", { stars: 2, comment: "Too fast" }, 6),
    ];
    const res = await send(site, events);
    expect(res.status).toBe(202);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(events.length);
    await eventsLanded(site.id, events.length);

    const report = await api("/api/v1/courses/c1?days=30", { token: site.read });
    expect(report.status).toBe(200);
    const body = (await report.json()) as { data: Record<string, unknown> & { lessons: Record<string, unknown>[] } };
    await expectDocumented("get /api/v1/courses/{id}", 200, body);
    const c = body.data;
    expect(c).toMatchObject({
      enrolments: 4,
      purchases: 2,
      free_enrolments: 2,
      starts: 4,
      completions: 1,
      completion_rate: 0.25,
      median_hours_to_complete: 10,
      watch_through: [
        { percent: 25, share: 1 },
        { percent: 50, share: 0.75 },
        { percent: 75, share: 0.75 },
        { percent: 100, share: 0.75 },
      ],
      quiz_pass_rate: 0.5,
      ratings: { count: 2, average: 3 },
      refund_rate: 0.5,
      revenue: 200,
      recommendation_share: 0.25,
      median_drop_off_rate: 0.333333, // 6 decimals: one-decimal percents are not rounded twice
    });
    const lessons = Object.fromEntries(c.lessons.map((l) => [l.id, l]));
    expect(lessons.l1).toMatchObject({
      views: 5,
      learners: 4,
      completed: 3,
      completion_rate: 0.75,
      average_watch_percent: 81.25,
      rewatches: 1,
      stopped_here: 1,
      drop_off_rate: 0.25,
    });
    expect(lessons.l2).toMatchObject({
      views: 3,
      learners: 3,
      completed: 2,
      rewatches: 0,
      stopped_here: 1,
      drop_off_rate: 0.333333,
      quiz: null,
    });
    expect(lessons.l3).toMatchObject({
      learners: 2,
      completed: 1,
      stopped_here: 1,
      drop_off_rate: 0.5,
      quiz: { submissions: 2, learners: 2, passed_learners: 1, pass_rate: 0.5, average_score: 60 },
    });

    const list = await api("/api/v1/courses?days=30", { token: site.read });
    const all = (await list.json()) as { data: { course_id: string }[] };
    await expectDocumented("get /api/v1/courses", 200, all);
    expect(all.data.map((d) => d.course_id)).toEqual(["c1"]);
    const attention = await api("/api/v1/courses/attention?days=30", { token: site.read });
    expect(attention.status).toBe(200);
    await expectDocumented("get /api/v1/courses/attention", 200, await attention.json());
  });

  it("unknown course report gets the envelope", async () => {
    const site = await courseSite();
    await expectError(await api("/api/v1/courses/nope", { token: site.read }), 404, "unknown_course");
  });
});

describe("ROI email", () => {
  it("has the content-that-needs-attention section when engagement falls", async () => {
    const { env } = await import("cloudflare:test");
    const { reportContent } = await import("../../jobs/reports/run");
    const { getSite } = await import("../../schema/queries/sites");
    const { addDays, utcDay, dayStart } = await import("../../core/time");
    const site = await courseSite();
    const day = addDays(utcDay(Date.now()), -1);
    const before = dayStart(addDays(day, -1), "UTC");
    // Six learners the day before, one on the report's day: active learners fall by more than 30 %.
    const starts = ["a", "b", "c", "d", "e", "f"].map((u, i) => ({
      id: unique("e"),
      type: "lesson_start",
      user_id: u,
      ts: before + (i + 1) * HOUR,
      props: { course_id: "c1", lesson_id: "l1" },
    }));
    const today = { ...starts[0]!, id: unique("e"), ts: dayStart(day, "UTC") + HOUR };
    const buy = {
      id: unique("e"),
      type: "purchase",
      user_id: "a",
      ts: before + HOUR,
      order_id: "o",
      revenue: 300,
      currency: "CNY",
      items: [{ id: "c1" }],
    };
    expect((await send(site, [...starts, today, buy])).status).toBe(202);
    await eventsLanded(site.id, 8);
    const row = (await getSite(env.DB, { siteId: site.id }))!;
    const sub = {
      frequency: "daily" as const,
      model: "last_touch" as const,
      sections: ["courses" as const],
      name: "r",
      language: "en" as const,
    };
    const built = await reportContent(siteDatabase(env, row.id), row, sub, day, day);
    // The course and its first lesson both lost 5 of 6 learners; the lesson's stake is that share of the revenue.
    expect(built.data.courses).toEqual([
      { name: "Course one", reasons: ["engagement_falling"], revenueAtStake: 300 },
      { name: "Course one / Intro", reasons: ["engagement_falling"], revenueAtStake: 250 },
    ]);
    const mail = await built.content("https://x.test/unsubscribe");
    expect(mail.html).toContain("Content that needs attention");
    expect(mail.html).toContain("Course one");
    expect(mail.text).toContain("Course one: engagement falling");
  });
});
