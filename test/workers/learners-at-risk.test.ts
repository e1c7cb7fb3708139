// Dropout risk and win-back (issue 16) end to end in workerd: learning events through the server
// API, a small dropout model registered and promoted (a hand-set logistic regression over the
// real DROPOUT_SPEC features, exported to ONNX and served by ORT in the recommend Worker), the
// at-risk list and its reasons checked against an independent computation, the learner.at_risk
// webhook delivered to a real HTTP receiver (test/support/mailbox.mjs) with its Standard Webhooks
// signature verified here, exactly once per learner and week across cron runs and a retry,
// outcomes (came back or not), the weekly digest in the SMTP mailbox in zh-CN and English, and bad input.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { DAY_MS } from "../../core/time";
import { flagSite, retryWebhooks } from "../../jobs/learners/run";
import { sendAtRiskDigest } from "../../jobs/learners/digest";
import { weekOf } from "../../jobs/learners/period";
import { promote, saveModel } from "../../jobs/recs/registry";
import { DROPOUT_SPEC } from "../../models/dropout/learner";
import { networkOnnx } from "../../models/onnx/network";
import type { Encoder } from "../../models/propensity/features";
import { settleOutcomes } from "../../schema/queries/at-risk";
import { getSite } from "../../schema/queries/sites";
import { expectDocumented } from "./documented";
import { api, createSite, eventsLanded, expectError, type TestSite, unique } from "./helpers";
import { messagesTo } from "./mailbox";

const HOUR = 3_600_000;

// The model: z = log1p(x) per feature (mean 0, spread 1), logit = B + sum of W * z.
const W: Record<string, number> = {
  days_since_last_activity: 1.5,
  active_days_7d: -1,
  lessons_completed: -0.5,
  lessons_started: 0.3,
  bought_unfinished: 0.4,
};
const B = -1;
const encoder: Encoder = {
  numeric: DROPOUT_SPEC.numeric.map((name) => ({ name, mean: 0, std: 1 })),
  categorical: [],
  width: DROPOUT_SPEC.numeric.length,
};
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** The model's probability from raw feature values, and with one feature reset to its mean. */
function expected(features: Record<string, number>, reset?: string) {
  let logit = B;
  for (const [name, w] of Object.entries(W)) if (name !== reset) logit += w * Math.log1p(features[name] ?? 0);
  return sigmoid(logit);
}

async function registerModel(siteId: string) {
  const w2 = Float32Array.from(DROPOUT_SPEC.numeric, (name) => W[name] ?? 0);
  const onnx = networkOnnx({ inputs: w2.length, hidden: 0, w1: new Float32Array(), b1: new Float32Array(), w2, b2: B });
  const now = Date.now();
  const row = await saveModel(
    { DB: env.DB, MODELS: env.MODELS },
    {
      siteId,
      id: `dropout-test-${unique()}`,
      kind: "dropout",
      status: "candidate",
      dataFrom: now - 30 * DAY_MS,
      dataTo: now,
      metrics: { value: 0.8, metric: "auc" },
      createdAt: now,
      note: "registered by the test",
    },
    { onnx, meta: { encoder, hidden: 0 } },
  );
  await promote(siteDatabase(env, siteId), siteId, row.id, now);
}

const send = (site: TestSite, events: unknown[]) =>
  api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });

async function courseSite(): Promise<TestSite> {
  const site = await createSite({ currency: "CNY", locale: "zh-CN" });
  for (const id of ["c1", "c2"]) {
    const item = await api(`/api/v1/items/${id}`, {
      method: "PUT",
      token: site.ingest,
      json: { title: `Course ${id}`, price: 100, currency: "CNY" },
    });
    expect(item.status).toBe(200);
    const lessons = ["l1", "l2", "l3"].map((l) => ({ id: l, title: l, type: "video" }));
    const res = await api(`/api/v1/items/${id}/lessons`, {
      method: "PUT",
      token: site.ingest,
      json: { modules: [{ id: "m1", title: "M", lessons }] },
    });
    expect(res.status).toBe(200);
  }
  return site;
}

type Answer = {
  scored: number;
  data: {
    user_id: string;
    probability: number;
    courses: string[];
    last_activity_at: string;
    reasons: { code: string; label: string; value: number; impact: number }[];
  }[];
};

describe("learners at risk", () => {
  let site: TestSite;
  const now = Date.now();
  const hook = `/hooks/${unique("atrisk")}`;
  beforeAll(async () => {
    site = await courseSite();
    let n = 0;
    const ev = (user: string, type: string, daysAgo: number, props: Record<string, unknown> = {}, course = "c1") => ({
      id: `e${n++}`,
      type,
      user_id: user,
      ts: now - daysAgo * DAY_MS,
      props: { course_id: course, lesson_id: "l1", ...props },
    });
    const events = [
      // quiet: one lesson started 10 days ago, nothing since.
      ev("quiet", "lesson_start", 10),
      // middling: bought c2 5 days ago, started and completed a lesson of it 4 days ago.
      {
        id: `e${n++}`,
        type: "purchase",
        user_id: "middling",
        ts: now - 5 * DAY_MS,
        order_id: "o-middling",
        revenue: 100,
        currency: "CNY",
        items: [{ id: "c2", price: 100 }],
      },
      ev("middling", "lesson_start", 4, {}, "c2"),
      ev("middling", "lesson_complete", 4, {}, "c2"),
      // busy: a lesson a day for five days, three completed.
      ...[5, 4, 3, 2, 1].map((d) => ev("busy", "lesson_start", d, { lesson_id: `l${(d % 3) + 1}` })),
      ...[3, 2, 1].map((d) => ev("busy", "lesson_complete", d, { lesson_id: `l${(d % 3) + 1}` })),
      // finished (a certificate ends the risk) and gone (quiet for 30 days: already stopped).
      ev("finished", "lesson_start", 9),
      ev("finished", "certificate", 9),
      ev("gone", "lesson_start", 30),
    ];
    expect((await send(site, events)).status).toBe(202);
    await eventsLanded(site.id, events.length);
  });

  it("answers 409 model_not_ready before a dropout model is promoted", async () => {
    await expectError(await api("/api/v1/learners/at-risk", { token: site.read }), 409, "model_not_ready");
  });

  it("lists active learners by dropout probability, with the features that drive the score", async () => {
    await registerModel(site.id);
    const res = await api("/api/v1/learners/at-risk?threshold=0.5", { token: site.read });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as Answer;
    await expectDocumented("get /api/v1/learners/at-risk", 200, body);
    // quiet, middling and busy are scored; finished and gone are not candidates.
    expect(body.scored).toBe(3);
    expect(body.data.map((l) => l.user_id)).toEqual(["quiet", "middling"]);
    const [quiet, middling] = body.data;
    // Features by hand. quiet: 10 days since its only event, 1 lesson started, nothing else.
    const q = { days_since_last_activity: 10, lessons_started: 1 };
    expect(quiet!.probability).toBeCloseTo(expected(q), 3); // 0.943
    expect(quiet!.courses).toEqual(["c1"]);
    expect(Date.parse(quiet!.last_activity_at)).toBe(now - 10 * DAY_MS);
    // Its reasons: resetting days since the last activity lowers the probability most, then lessons started.
    expect(quiet!.reasons.map((r) => r.code)).toEqual(["days_since_last_activity", "lessons_started"]);
    expect(quiet!.reasons[0]!.label).toBe("days since the last learning activity");
    expect(quiet!.reasons[0]!.value).toBeCloseTo(10, 2);
    expect(quiet!.reasons[0]!.impact).toBeCloseTo(expected(q) - expected(q, "days_since_last_activity"), 3);
    expect(quiet!.reasons[1]!.impact).toBeCloseTo(expected(q) - expected(q, "lessons_started"), 3);
    // middling: 4 days, one active day in the last 7, one lesson started and completed, a bought course unfinished.
    const m = {
      days_since_last_activity: 4,
      active_days_7d: 1,
      lessons_started: 1,
      lessons_completed: 1,
      bought_unfinished: 1,
    };
    expect(middling!.probability).toBeCloseTo(expected(m), 3); // 0.702
    expect(middling!.courses).toEqual(["c2"]);
    // Its activity lowers the risk: only the features that raise it are reasons.
    expect(middling!.reasons.map((r) => r.code)).toEqual([
      "days_since_last_activity",
      "bought_unfinished",
      "lessons_started",
    ]);
    expect(middling!.reasons[1]!.impact).toBeCloseTo(expected(m) - expected(m, "bought_unfinished"), 3);

    // A course narrows the learners; a higher threshold and a limit shorten the list.
    const c2 = (await (await api("/api/v1/learners/at-risk?course=c2", { token: site.read })).json()) as Answer;
    expect(c2.data.map((l) => l.user_id)).toEqual(["middling"]);
    const top = (await (await api("/api/v1/learners/at-risk?threshold=0.9", { token: site.read })).json()) as Answer;
    expect(top.data.map((l) => l.user_id)).toEqual(["quiet"]);
    const one = (await (
      await api("/api/v1/learners/at-risk?limit=1&threshold=0", { token: site.read })
    ).json()) as Answer;
    expect(one.data.map((l) => l.user_id)).toEqual(["quiet"]);
  });

  it("rejects bad input and unknown courses with the envelope", async () => {
    const get = (q: string) => api(`/api/v1/learners/at-risk?${q}`, { token: site.read });
    await expectError(await get("course=nope"), 404, "unknown_course", "course");
    await expectError(await get("threshold=1.5"), 400, "validation_failed", "threshold");
    await expectError(await get("threshold=abc"), 400, "validation_failed", "threshold");
    await expectError(await get("limit=0"), 400, "validation_failed", "limit");
    await expectError(await get("course=bad%20id"), 400, "validation_failed", "course");
    await expectError(
      await api("/api/v1/learners/at-risk/outcomes?weeks=0", { token: site.read }),
      400,
      "validation_failed",
      "weeks",
    );
    const post = (json: unknown) => api("/api/v1/webhook-endpoints", { method: "POST", token: site.admin, json });
    await expectError(await post({ url: "http://example.com/hook" }), 400, "validation_failed", "url");
    await expectError(await post({ url: "not a url" }), 400, "validation_failed", "url");
    await expectError(
      await post({ url: "https://example.com/h", events: ["learner.gone"] }),
      400,
      "validation_failed",
      "events.0",
    );
    // Managing endpoints needs admin; a read key is refused.
    await expectError(
      await api("/api/v1/webhook-endpoints", {
        method: "POST",
        token: site.read,
        json: { url: "https://example.com/h" },
      }),
      403,
      "forbidden",
    );
  });

  it("signs learner.at_risk and delivers it once per learner and week, across cron runs and a retry", async () => {
    const created = await api("/api/v1/webhook-endpoints", {
      method: "POST",
      token: site.admin,
      json: { url: `${env.MAILBOX_URL}${hook}`, events: ["learner.at_risk"] },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string };
    await expectDocumented("post /api/v1/webhook-endpoints", 201, endpoint);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // The secret is shown once: the listing never carries it, and D1 holds it sealed.
    const listed = await (await api("/api/v1/webhook-endpoints", { token: site.admin })).json();
    expect(JSON.stringify(listed)).not.toContain(endpoint.secret.slice(6));
    const stored = await env.DB.prepare("SELECT sealed_secret FROM webhook_endpoints WHERE id = ?1")
      .bind(endpoint.id)
      .first<{ sealed_secret: string }>();
    expect(stored!.sealed_secret).not.toContain(endpoint.secret.slice(6));

    const received = async () =>
      (await (await fetch(`${env.MAILBOX_URL}/hooks?path=${encodeURIComponent(hook)}`)).json()) as {
        headers: Record<string, string>;
        body: string;
        status: number;
      }[];
    // The receiver refuses the first request: that delivery is retried later with the same id.
    await fetch(`${env.MAILBOX_URL}/hooks-fail?count=1`, { method: "POST" });
    const t = now - 3 * DAY_MS; // the run's moment: three days ago, so outcomes can be settled below
    const first = await flagSite(env, { id: site.id }, t);
    expect(first).toMatchObject({ flagged: 2, deliveries: 2, delivered: 1, failed: 1 });
    // The same week again, a minute later: no new deliveries, the failed one is not due yet.
    const second = await flagSite(env, { id: site.id }, t + 60_000);
    expect(second).toMatchObject({ flagged: 2, deliveries: 0, delivered: 0, failed: 0 });
    // The hourly retry, 20 minutes on: the failed delivery goes again and gets through.
    expect(await retryWebhooks(env, t + 20 * 60_000)).toMatchObject({ delivered: 1, failed: 0 });
    // A third daily run in the same week: nothing more.
    expect(await flagSite(env, { id: site.id }, t + 2 * HOUR)).toMatchObject({ deliveries: 0, delivered: 0 });

    const got = await received();
    expect(got.map((r) => r.status)).toEqual([503, 200, 200]);
    const ids = got.map((r) => r.headers["webhook-id"]);
    expect(ids[0]).toBe(ids[2]); // the retry reuses the delivery's id
    expect(new Set(ids).size).toBe(2);
    const ok = got.filter((r) => r.status === 200);
    const bodies = ok.map(
      (r) =>
        JSON.parse(r.body) as {
          type: string;
          data: { user_id: string; period: string; site_id: string; reasons: unknown[] };
        },
    );
    expect(bodies.map((b) => b.data.user_id).sort()).toEqual(["middling", "quiet"]);
    for (const b of bodies) {
      expect(b.type).toBe("learner.at_risk");
      expect(b.data).toMatchObject({ site_id: site.id, period: weekOf(t) });
      expect(b.data.reasons.length).toBeGreaterThan(0);
    }
    // Every request verifies with an HMAC computed here from the secret (Standard Webhooks).
    const key = await crypto.subtle.importKey(
      "raw",
      Uint8Array.from(atob(endpoint.secret.slice("whsec_".length)), (c) => c.charCodeAt(0)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    for (const r of got) {
      const [version, signature] = r.headers["webhook-signature"]!.split(",");
      expect(version).toBe("v1");
      const signed = `${r.headers["webhook-id"]}.${r.headers["webhook-timestamp"]}.${r.body}`;
      const mac = Uint8Array.from(atob(signature!), (c) => c.charCodeAt(0));
      expect(await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(signed))).toBe(true);
      // A body changed in transit does not verify.
      expect(await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(signed + " "))).toBe(false);
    }
    const list = (await (await api("/api/v1/webhook-endpoints", { token: site.admin })).json()) as {
      data: { id: string; deliveries: { delivered: number; pending: number } }[];
    };
    await expectDocumented("get /api/v1/webhook-endpoints", 200, list);
    expect(list.data.find((e) => e.id === endpoint.id)!.deliveries).toMatchObject({ delivered: 2, pending: 0 });
  });

  it("tracks whether flagged learners came back within 14 days, and the win-back rate", async () => {
    const t = now - 3 * DAY_MS;
    const outcomes = async () => {
      const res = await api("/api/v1/learners/at-risk/outcomes", { token: site.read });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        win_back_rate: number | null;
        data: { period: string; flagged: number; came_back: number; not_back: number; pending: number }[];
      };
      await expectDocumented("get /api/v1/learners/at-risk/outcomes", 200, body);
      return body;
    };
    expect((await outcomes()).data).toEqual([
      expect.objectContaining({ period: weekOf(t), flagged: 2, came_back: 0, not_back: 0, pending: 2 }),
    ]);
    // quiet comes back (an hour ago, after the flag); middling does not.
    expect(
      (
        await send(site, [
          {
            id: "back1",
            type: "lesson_start",
            user_id: "quiet",
            ts: now - HOUR,
            props: { course_id: "c1", lesson_id: "l2" },
          },
        ])
      ).status,
    ).toBe(202);
    await eventsLanded(site.id, 16);
    await settleOutcomes(siteDatabase(env, site.id), { siteId: site.id }, 14 * DAY_MS, now);
    let body = await outcomes();
    expect(body.data[0]).toMatchObject({ flagged: 2, came_back: 1, not_back: 0, pending: 1 });
    expect(body.win_back_rate).toBe(1);
    // 14 days after the flag, middling is settled as not back.
    await settleOutcomes(siteDatabase(env, site.id), { siteId: site.id }, 14 * DAY_MS, t + 14 * DAY_MS + 1);
    body = await outcomes();
    expect(body.data[0]).toMatchObject({ flagged: 2, came_back: 1, not_back: 1, pending: 0, win_back_rate: 0.5 });
    expect(body.win_back_rate).toBe(0.5);
    const row = await env.DB.prepare("SELECT came_back_at FROM at_risk_flags WHERE site_id = ?1 AND user = 'quiet'")
      .bind(site.id)
      .first<{ came_back_at: number }>();
    expect(row!.came_back_at).toBe(now - HOUR);
  });

  it("sends the weekly digest to the site's report recipients, in their language, once per week", async () => {
    const zh = `${unique("zh")}@example.com`;
    const en = `${unique("en")}@example.com`;
    for (const [recipients, language] of [
      [[zh], null], // the site's locale: zh-CN
      [[en, zh], "en"], // zh is already listed: one digest each
    ] as const) {
      const res = await api("/api/v1/report-subscriptions", {
        method: "POST",
        token: site.admin,
        json: { recipients, frequency: "weekly", weekday: 1, hour: 8, timezone: "UTC", ...(language && { language }) },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      await new Promise((r) => setTimeout(r, 5)); // the next subscription is the newer one
    }
    const t = now - 3 * DAY_MS;
    const week = weekOf(t);
    const sent = await sendAtRiskDigest(env, (await getSite(env.DB, { siteId: site.id }))!, week, t);
    expect(sent).toMatchObject({ sent: 2, failed: 0 });
    const [zhMail] = await messagesTo(zh);
    const [enMail] = await messagesTo(en);
    expect(zhMail!.subject).toContain("有 2 位学员有流失风险");
    expect(zhMail!.text).toContain("距上次学习的天数");
    expect(zhMail!.text).toContain("quiet");
    expect(zhMail!.text).toContain("1 位在 14 天内回来学习（50%）");
    expect(zhMail!.html).toContain("<table");
    expect(enMail!.subject).toBe(`Test: 2 learners at risk, week of ${week}`);
    expect(enMail!.text).toContain("quiet: 94.3%");
    expect(enMail!.text).toContain("days since the last learning activity; lessons started");
    expect(enMail!.text).toContain("1 of 2 flagged learners came back within 14 days (50%)");
    expect(enMail!.headers["list-unsubscribe"]).toContain("/u/");
    // Again the same week: nobody gets a second digest.
    const again = await sendAtRiskDigest(env, (await getSite(env.DB, { siteId: site.id }))!, week, t + HOUR);
    expect(again).toMatchObject({ sent: 0, skipped: 2 });
    expect(await messagesTo(zh)).toHaveLength(1);
  });
});
