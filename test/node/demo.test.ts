// The demo `npm start` seeds, run by the same seeding code against the built Workers: budget advice
// must have channels to talk about, and the demo's propensity model must beat chance clearly.
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";
import { demoSeedEvents, ensureDemo } from "../../scripts/local/demo.mjs";
import { DEMO_DAYS } from "../../scripts/demo-data.mjs";

const root = resolve(import.meta.dirname, "../..");
const adminToken = "demo-admin-token";

describe("the npm start demo", () => {
  let started: Awaited<ReturnType<typeof startBuiltWorkers>>;
  let demo: Awaited<ReturnType<typeof ensureDemo>>;
  let seeded: NonNullable<typeof demo.seeded>;
  const send = (path: string, init: { method?: string; headers: Record<string, string>; body?: string }) =>
    started.mf.dispatchFetch(new URL(path, started.url), init);
  const read = async <T>(path: string, status = 200): Promise<T> => {
    const res = await send(path, { headers: { authorization: `Bearer ${demo.demo_secret_key}` } });
    expect(res.status).toBe(status);
    return (await res.json()) as T;
  };
  /** The site's stored events by type (the NDJSON export, page by page). */
  const storedTypes = async () => {
    const types: Record<string, number> = {};
    let cursor = "";
    do {
      const res = await send(`/api/v1/events?format=ndjson&limit=10000&from=0${cursor}`, {
        headers: { authorization: `Bearer ${demo.demo_secret_key}` },
      });
      expect(res.status).toBe(200);
      for (const line of (await res.text()).split("\n"))
        if (line) {
          const { type } = JSON.parse(line) as { type: string };
          types[type] = (types[type] ?? 0) + 1;
        }
      const next = res.headers.get("x-next-cursor");
      cursor = next ? `&cursor=${encodeURIComponent(next)}` : "";
    } while (cursor);
    return types;
  };

  // Seeding a month of traffic and training both models takes a while on a loaded 2-core machine.
  beforeAll(async () => {
    started = await startBuiltWorkers({ root, adminToken });
    // The same seeding code as npm start (scripts/local/demo.mjs), against the built Workers.
    demo = await ensureDemo({
      request: send,
      adminToken,
      waitMs: 180_000,
    });
    seeded = demo.seeded!;
  }, 240_000);
  afterAll(async () => {
    await started?.mf.dispose();
  });

  it("sends a month of traffic within one export page, and the learning on top", () => {
    expect(seeded.events).toBeGreaterThan(5_000);
    expect(seeded.events).toBeLessThanOrEqual(10_000);
    // npm start waits for the queue by reading the export page by page: two pages with learning.
    expect(seeded.learning_events).toBeGreaterThan(2_000);
    expect(seeded.sent).toBe(seeded.events + seeded.learning_events);
  });

  it("gives budget advice on at least three paid channels, each with a month of spend", async () => {
    const advice = await read<{
      channels: { channel: string; suggested_daily_spend: number; fit: { b: number; days_with_spend: number } }[];
      excluded: { channel: string }[];
    }>("/api/v1/reports/budget");
    const names = advice.channels.map((c) => c.channel);
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names).toEqual(expect.arrayContaining(["Paid Search", "Paid Social", "Paid Video"]));
    for (const c of advice.channels) {
      if (c.channel.startsWith("Paid")) expect(c.fit.days_with_spend).toBe(DEMO_DAYS);
      expect(c.fit.b).toBeGreaterThan(0);
      expect(c.fit.b).toBeLessThanOrEqual(1);
    }
  });

  it("trains a propensity model clearly better than chance on its holdout", async () => {
    const outcome = seeded.retrained.find((r) => r.kind === "propensity");
    expect(outcome?.promoted).toBe(true);
    const models = await read<{
      data: { kind: string; status: string; metrics: { holdout: { auc: number | null; examples: number } } }[];
    }>("/api/v1/models");
    const active = models.data.filter((m) => m.kind === "propensity" && m.status === "active");
    expect(active).toHaveLength(1);
    expect(active[0]!.metrics.holdout.examples).toBeGreaterThan(100);
    expect(active[0]!.metrics.holdout.auc).toBeGreaterThan(0.7);
  });

  it("gives each course lessons, completion, ratings, and a list of content that needs attention", async () => {
    const { data } = await read<{
      data: {
        course_id: string;
        starts: number;
        completion_rate: number | null;
        ratings: { count: number; average: number | null; trend: number | null };
        lessons: { type: string }[];
        watch_through: { percent: number; share: number | null }[];
        quiz_pass_rate: number | null;
      }[];
    }>("/api/v1/courses?days=30");
    const byId = new Map(data.map((c) => [c.course_id, c]));
    for (const id of ["py-101", "ds-201", "pm-101", "col-weekly"]) {
      const c = byId.get(id)!;
      expect(c.starts, id).toBeGreaterThan(10);
      expect(c.completion_rate, id).not.toBeNull();
      expect(c.ratings.count, id).toBeGreaterThanOrEqual(3);
      expect(c.ratings.average, id).not.toBeNull();
    }
    expect(byId.get("ml-301")!.lessons.length).toBeGreaterThan(0);
    const py = byId.get("py-101")!;
    expect(new Set(py.lessons.map((l) => l.type))).toEqual(new Set(["video", "article", "quiz", "live"]));
    expect(py.watch_through.every((w) => w.share !== null)).toBe(true);
    expect(py.quiz_pass_rate).not.toBeNull();
    // Python 入门's ratings fall against the month before.
    expect(py.ratings.trend).toBeLessThanOrEqual(-0.5);

    const attention = await read<{ data: { course_id: string; lesson_id: string | null; reasons: string[] }[] }>(
      "/api/v1/courses/attention?days=30",
    );
    const reasons = new Set(attention.data.flatMap((a) => a.reasons));
    expect(reasons).toContain("drop_off_high");
    expect(attention.data).toContainEqual(
      expect.objectContaining({
        course_id: "py-101",
        lesson_id: null,
        reasons: expect.arrayContaining(["ratings_falling"]),
      }),
    );
  });

  it("trains a dropout model from the learning events against a fitted baseline, and lists learners at risk once one is promoted", async () => {
    const outcome = seeded.retrained.find((r) => r.kind === "dropout")!;
    const metrics = outcome.model?.metrics as {
      examples: number;
      positives: number;
      holdout: { auc: number | null; logistic_regression: number | null };
    };
    expect(metrics.examples).toBeGreaterThan(200);
    expect(metrics.positives).toBeGreaterThan(50);
    expect(metrics.holdout.auc).not.toBeNull();
    // The baseline is fitted: days since the last activity alone ranks this holdout at about 0.96.
    expect(metrics.holdout.logistic_regression).toBeGreaterThan(0.85);
    // On the demo the model and a fitted logistic regression are close (both near 0.98): it may or may not
    // pass the margin. Without it there is no list; promoted (by the rule or by hand) it scores the learners.
    if (!outcome.promoted) {
      await read("/api/v1/learners/at-risk", 409);
      const res = await send(`/api/v1/models/${outcome.model!.id}/promote`, {
        method: "POST",
        headers: { authorization: `Bearer ${demo.demo_secret_key}` },
      });
      expect(res.status).toBe(200);
    }
    const risk = await read<{ scored: number; data: { user_id: string; reasons: unknown[] }[] }>(
      "/api/v1/learners/at-risk?threshold=0.5&limit=500",
    );
    expect(risk.scored).toBeGreaterThan(10);
    expect(risk.data.length).toBeGreaterThan(0);
    expect(risk.data[0]!.reasons.length).toBeGreaterThan(0);
  });

  it("adds nothing when seeding runs again (stable event ids)", async () => {
    const before = await storedTypes();
    const { learning } = demoSeedEvents();
    const learningTypes = [
      "lesson_start",
      "lesson_progress",
      "lesson_complete",
      "quiz_submit",
      "rating",
      "certificate",
    ];
    expect(learningTypes.reduce((n, t) => n + (before[t] ?? 0), 0)).toBe(learning.length);
    // Without its report subscription the demo counts as unfinished, so the seed runs all its steps again.
    const res = await send(
      `/api/v1/report-subscriptions/${demo.demo_report_subscription_id}?site_id=${demo.demo_site_id}`,
      {
        method: "DELETE",
        headers: { authorization: `Bearer ${adminToken}` },
      },
    );
    expect(res.status).toBeLessThan(300);
    const again = await ensureDemo({ request: send, adminToken, previous: demo, train: false, waitMs: 60_000 });
    expect(again.seeded?.sent).toBe(0);
    expect(await storedTypes()).toEqual(before);
  });
});
