// Funnels, retention and journeys through the real API: events go in through POST /api/v1/events
// (capture -> queue -> D1), the analyses read them back. Every expected number is worked out by
// hand in the comments beside the data.
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { api, createSite, eventsLanded, expectError, type TestSite, unique } from "./helpers";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Ev = Record<string, unknown>;
const page = (user: string, ts: number, url: string): Ev => ({
  id: unique("e"),
  type: "pageview",
  user_id: user,
  ts,
  url,
});
const custom = (user: string, ts: number, name: string): Ev => ({
  id: unique("e"),
  type: "custom",
  name,
  user_id: user,
  ts,
});
const buy = (user: string, ts: number, revenue: number): Ev => ({
  id: unique("e"),
  type: "purchase",
  user_id: user,
  ts,
  order_id: unique("o"),
  revenue,
  currency: "USD",
});

/** Sends events through the server API and waits until every one is stored. */
async function send(site: TestSite, events: Ev[]) {
  const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
  expect(res.status, await res.clone().text()).toBe(202);
  expect(((await res.json()) as { accepted: number }).accepted).toBe(events.length);
  await eventsLanded(site.id, events.length);
}

async function post<T>(site: TestSite, path: string, body: unknown, token = site.read): Promise<T> {
  const res = await api(path, { method: "POST", token, json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  const json = (await res.json()) as T;
  await expectDocumented(`POST ${path}`, 200, json);
  return json;
}

type Step = {
  label: string;
  visitors: number;
  conversion_from_previous: number | null;
  conversion_from_first: number | null;
  drop_off: number;
  median_seconds_from_previous: number | null;
};
type Funnel = { steps: Step[]; breakdown: { by: string; values: { value: string; steps: Step[] }[] } | null };

describe("funnels", () => {
  // One day, 20 days ago (UTC site). Steps: a course page, add_to_cart, a purchase.
  const day = utcDay(Date.now() - 20 * DAY);
  const t = Date.parse(`${day}T10:00:00Z`);
  const origin = "https://learn.example.com";
  const events = (o: string) => [
    // u1: course (Organic Social) -> engagement ping -> cart 5 min -> buy 10 min: every step, in both modes.
    page("u1", t, `${o}/courses/py?utm_source=zhihu&utm_medium=social`),
    { id: unique("e"), type: "engagement", engaged_ms: 30_000, user_id: "u1", ts: t + 2 * MIN, url: `${o}/courses/py` },
    custom("u1", t + 5 * MIN, "add_to_cart"),
    buy("u1", t + 10 * MIN, 99),
    // u2: course (Paid Search) -> /pricing -> cart 10 min -> buy 20 min: all steps in sequence; strict stops at 1.
    page("u2", t, `${o}/courses/ds?utm_source=baidu&utm_medium=cpc`),
    page("u2", t + 5 * MIN, `${o}/pricing`),
    custom("u2", t + 10 * MIN, "add_to_cart"),
    buy("u2", t + 20 * MIN, 199),
    // u3: course (Organic Social) -> cart 5 min -> buy 2 h later: out of a 1-hour window, inside a 3-hour one.
    page("u3", t, `${o}/courses/py?utm_source=zhihu&utm_medium=social`),
    custom("u3", t + 5 * MIN, "add_to_cart"),
    buy("u3", t + 2 * HOUR, 99),
    // u4: a course page (Direct) and nothing else. u5: a cart without step 1. u6: a page that is not a course.
    page("u4", t, `${o}/courses/py`),
    custom("u5", t + MIN, "add_to_cart"),
    page("u6", t, `${o}/blog/intro`),
  ];

  it("sequential and strict order, a window cut, a saved goal as a step, a channel breakdown", async () => {
    const site = await createSite();
    await send(site, events(origin));
    const goal = await api("/api/v1/goals", {
      method: "POST",
      token: site.admin,
      json: { name: "Bought", kind: "purchase" },
    });
    expect(goal.status).toBe(201);
    const { id } = (await goal.json()) as { id: string };
    const body = (order: string, hours: number, extra: object = {}) => ({
      steps: [{ kind: "page", path: "/courses/*" }, { kind: "event", event_name: "add_to_cart" }, { goal_id: id }],
      window: { value: hours, unit: "hour" },
      order,
      date_range: { from: day, to: day },
      ...extra,
    });
    const counts = (f: { steps: Step[] }) => f.steps.map((s) => s.visitors);

    // Sequential, 1 h: step 1 u1 u2 u3 u4 = 4; step 2 u1 u2 u3 = 3; step 3 u1 u2 = 2 (u3 bought after 2 h).
    const seq = await post<Funnel>(site, "/api/v1/funnels", body("sequential", 1));
    expect(counts(seq)).toEqual([4, 3, 2]);
    expect(seq.steps.map((s) => s.label)).toEqual(["/courses/*", "add_to_cart", "Bought"]);
    expect(seq.steps.map((s) => s.conversion_from_previous)).toEqual([1, 0.75, 2 / 3]);
    expect(seq.steps.map((s) => s.conversion_from_first)).toEqual([1, 0.75, 0.5]);
    expect(seq.steps.map((s) => s.drop_off)).toEqual([0, 1, 1]);
    // Step 2 gaps: u1 5 min, u2 10 min, u3 5 min -> median 300 s. Step 3: u1 5 min, u2 10 min -> 450 s.
    expect(seq.steps.map((s) => s.median_seconds_from_previous)).toEqual([null, 300, 450]);
    expect(seq.breakdown).toBeNull();

    // Strict: u2's /pricing sits between the course and the cart; u1's engagement ping does not count.
    // Step 2: u1 u3 = 2; step 3: u1 = 1 (u3's purchase is its next event but 2 h out).
    expect(counts(await post<Funnel>(site, "/api/v1/funnels", body("strict", 1)))).toEqual([4, 2, 1]);
    // A 3-hour window takes in u3's purchase: sequential 4 3 3, strict 4 2 2.
    expect(counts(await post<Funnel>(site, "/api/v1/funnels", body("sequential", 3)))).toEqual([4, 3, 3]);
    expect(counts(await post<Funnel>(site, "/api/v1/funnels", body("strict", 3)))).toEqual([4, 2, 2]);

    // By the channel of each visitor's step-1 event: Organic Social u1 u3, Paid Search u2, Direct u4.
    // Most step-1 visitors first, ties by name.
    const split = await post<Funnel>(site, "/api/v1/funnels", body("sequential", 1, { breakdown: "channel" }));
    expect(split.breakdown!.by).toBe("channel");
    expect(split.breakdown!.values.map((v) => [v.value, counts(v)])).toEqual([
      ["Organic Social", [2, 2, 1]],
      ["Direct", [1, 0, 0]],
      ["Paid Search", [1, 1, 1]],
    ]);

    // Another site with the same steps sees none of these events.
    const other = await createSite();
    const empty = await post<Funnel>(other, "/api/v1/funnels", {
      ...body("sequential", 1),
      steps: [{ kind: "page", path: "/courses/*" }, { kind: "purchase" }],
    });
    expect(counts(empty)).toEqual([0, 0]);
    expect(empty.steps[1]!.conversion_from_previous).toBeNull();
    // ... nor may its key name the first site, or use the first site's goal.
    expect(
      (
        await api(`/api/v1/funnels?site_id=${site.id}`, {
          method: "POST",
          token: other.read,
          json: body("sequential", 1),
        })
      ).status,
    ).toBe(403);
    await expectError(
      await api("/api/v1/funnels", { method: "POST", token: other.read, json: body("sequential", 1) }),
      400,
      "validation_failed",
      "steps.2.goal_id",
    );
  });

  it("refuses bad funnels with the envelope naming the field", async () => {
    const site = await createSite();
    const steps = [{ kind: "signup" }, { kind: "purchase" }];
    const bad = (json: unknown) => api("/api/v1/funnels", { method: "POST", token: site.read, json });
    const nine = Array.from({ length: 9 }, () => ({ kind: "signup" }));
    await expectError(await bad({ steps: nine }), 400, "validation_failed", "steps");
    await expectError(await bad({ steps: [{ kind: "signup" }] }), 400, "validation_failed", "steps");
    await expectError(
      await bad({ steps: [{ goal_id: "goal_nope" }, ...steps] }),
      400,
      "validation_failed",
      "steps.0.goal_id",
    );
    await expectError(
      await bad({ steps, window: { value: 0, unit: "day" } }),
      400,
      "validation_failed",
      "window.value",
    );
    await expectError(await bad({ steps, window: { value: 91, unit: "day" } }), 400, "validation_failed", "window");
    await expectError(
      await bad({ steps, window: { value: 1, unit: "week" } }),
      400,
      "validation_failed",
      "window.unit",
    );
    await expectError(
      await bad({ steps, date_range: { from: "2025-01-01", to: "2026-06-30" } }),
      400,
      "validation_failed",
      "date_range",
    );
    await expectError(
      await bad({ steps, date_range: { from: "2026-02-01", to: "2026-01-01" } }),
      400,
      "validation_failed",
      "date_range.from",
    );
    await expectError(
      await bad({ steps: [{ kind: "page", path: "courses" }, ...steps] }),
      400,
      "validation_failed",
      "steps.0.path",
    );
    await expectError(
      await bad({
        steps: [{ kind: "event", event_name: "x", filters: [{ key: "k", operator: "matches", value: "(" }] }, ...steps],
      }),
      400,
      "validation_failed",
      "steps.0.filters.0.value",
    );
  });
});

describe("retention", () => {
  it("weekly cohorts by first visit, any return, revenue retention; earlier visitors are not new", async () => {
    const site = await createSite();
    // Three whole weeks, Monday to Sunday, ending at least a week ago (UTC site).
    const today = Date.parse(`${utcDay(Date.now())}T00:00:00Z`);
    const monday = today - (((new Date(today).getUTCDay() + 6) % 7) + 28) * DAY;
    const at = (week: number, day: number, hour = 10) => monday + (week * 7 + day) * DAY + hour * HOUR;
    const o = "https://learn.example.com";
    await send(site, [
      // r1: weeks 0, 1, 2; pays 100 in week 0 and 50 in week 2.
      page("r1", at(0, 0), `${o}/`),
      buy("r1", at(0, 0) + MIN, 100),
      page("r1", at(1, 2), `${o}/`),
      page("r1", at(2, 4), `${o}/`),
      buy("r1", at(2, 4) + MIN, 50),
      // r2: weeks 0 and 2. r3: week 0 only.
      page("r2", at(0, 1), `${o}/`),
      page("r2", at(2, 1), `${o}/`),
      page("r3", at(0, 2), `${o}/`),
      // r4: weeks 1 and 2; pays 200 in week 1 and 100 in week 2. r5: week 2 only.
      page("r4", at(1, 0), `${o}/`),
      buy("r4", at(1, 0) + MIN, 200),
      page("r4", at(2, 3), `${o}/`),
      buy("r4", at(2, 3) + MIN, 100),
      page("r5", at(2, 6), `${o}/`),
      // r6 first came the week before the range: its week-1 visit makes no cohort.
      page("r6", at(-1, 3), `${o}/`),
      page("r6", at(1, 3), `${o}/`),
    ]);
    const result = await post<{
      periods: number;
      cohorts: {
        start: string;
        size: number;
        returning: (number | null)[];
        rates: (number | null)[];
        revenue: (number | null)[];
        revenue_retention: (number | null)[];
      }[];
      average: (number | null)[];
    }>(site, "/api/v1/retention", {
      cohort: "first_visit",
      period: "week",
      return: "any",
      date_range: { from: utcDay(at(0, 0)), to: utcDay(at(2, 6)) },
    });
    expect(result.periods).toBe(3);
    expect(result.cohorts).toEqual([
      // Week 0: r1 r2 r3. Back in week 1: r1; in week 2: r1 r2. Revenue 100, 0, 50.
      {
        start: utcDay(at(0, 0)),
        size: 3,
        returning: [3, 1, 2],
        rates: [1, 1 / 3, 2 / 3],
        revenue: [100, 0, 50],
        revenue_retention: [1, 0, 0.5],
      },
      // Week 1: r4, back in week 2; week 2 of the range is its last observable period.
      {
        start: utcDay(at(1, 0)),
        size: 1,
        returning: [1, 1, null],
        rates: [1, 1, null],
        revenue: [200, 100, null],
        revenue_retention: [1, 0.5, null],
      },
      // Week 2: r5, no revenue (so no revenue retention).
      {
        start: utcDay(at(2, 0)),
        size: 1,
        returning: [1, null, null],
        rates: [1, null, null],
        revenue: [0, null, null],
        revenue_retention: [null, null, null],
      },
    ]);
    // Offset 0: 5/5; offset 1: (1 + 1) / (3 + 1); offset 2: 2/3.
    expect(result.average).toEqual([1, 0.5, 2 / 3]);

    const bad = (json: unknown) => api("/api/v1/retention", { method: "POST", token: site.read, json });
    await expectError(
      await bad({ period: "day", date_range: { from: "2026-01-01", to: "2026-06-30" } }),
      400,
      "validation_failed",
      "date_range",
    );
    await expectError(await bad({ cohort: "birthday" }), 400, "validation_failed", "cohort");
  });
});

describe("journeys", () => {
  it("from the home page and into a sign-up, as Sankey nodes and links", async () => {
    const site = await createSite();
    const t = Date.parse(`${utcDay(Date.now() - 3 * DAY)}T09:00:00Z`);
    const o = "https://learn.example.com";
    const visit = (user: string, paths: string[]) =>
      paths.map((p, i) =>
        p === "signup"
          ? { id: unique("e"), type: "signup", user_id: user, ts: t + i * MIN }
          : page(user, t + i * MIN, `${o}${p}`),
      );
    await send(site, [
      ...visit("j1", ["/", "/courses/a", "/pricing"]),
      ...visit("j2", ["/", "/courses/a", "signup"]),
      ...visit("j3", ["/", "/blog"]),
      ...visit("j4", ["/blog", "/", "/courses/b"]),
      ...visit("j5", ["/courses/a"]),
    ]);
    type Journeys = {
      nodes: { id: string; value: number }[];
      links: { source: string; target: string; value: number }[];
      visits: number;
    };
    const range = { from: utcDay(t), to: utcDay(t) };
    const out = await post<Journeys>(site, "/api/v1/journeys", {
      from: { kind: "page", path: "/" },
      steps: 3,
      date_range: range,
    });
    // Paths from "/": j1 / a pricing; j2 / a signup; j3 / blog; j4 / b (its /blog came before). j5 never saw "/".
    expect(out.visits).toBe(4);
    expect(out.nodes.map((n) => [n.id, n.value])).toEqual([
      ["0:/", 4],
      ["1:/courses/a", 2],
      ["1:/blog", 1],
      ["1:/courses/b", 1],
      ["2:/pricing", 1],
      ["2:signup", 1],
    ]);
    expect(out.links.map((l) => [l.source, l.target, l.value])).toEqual([
      ["0:/", "1:/courses/a", 2],
      ["0:/", "1:/blog", 1],
      ["0:/", "1:/courses/b", 1],
      ["1:/courses/a", "2:/pricing", 1],
      ["1:/courses/a", "2:signup", 1],
    ]);
    // Into a sign-up: only j2, aligned on the goal at the last step.
    const into = await post<Journeys>(site, "/api/v1/journeys", {
      into: { kind: "signup" },
      steps: 3,
      date_range: range,
    });
    expect(into.visits).toBe(1);
    expect(into.nodes.map((n) => n.id)).toEqual(["0:/", "1:/courses/a", "2:signup"]);

    await expectError(
      await api("/api/v1/journeys", {
        method: "POST",
        token: site.read,
        json: { from: { kind: "signup" }, into: { kind: "signup" } },
      }),
      400,
      "validation_failed",
      "from",
    );
    await expectError(
      await api("/api/v1/journeys", { method: "POST", token: site.read, json: { from: { kind: "signup" }, steps: 8 } }),
      400,
      "validation_failed",
      "steps",
    );
  });
});

describe("goals", () => {
  it("CRUD per site, in the documented shape; a purchase minimum in the site's currency; bad goals refused", async () => {
    const site = await createSite({ currency: "CNY" });
    const create = async (json: unknown) => {
      const res = await api("/api/v1/goals", { method: "POST", token: site.admin, json });
      expect(res.status, await res.clone().text()).toBe(201);
      const body = (await res.json()) as { id: string };
      await expectDocumented("POST /api/v1/goals", 201, body);
      return body;
    };
    const lesson = await create({
      name: "Finished a lesson",
      kind: "event",
      event_name: "lesson_complete",
      filters: [{ key: "course", operator: "is", value: "py-101" }],
    });
    const big = await create({ name: "Big order", kind: "purchase", min_revenue: 499.5 });
    expect(big).toMatchObject({ kind: "purchase", min_revenue: 499.5 });

    const list = await api("/api/v1/goals", { token: site.read });
    const listed = (await list.json()) as { data: { id: string; name: string }[] };
    await expectDocumented("GET /api/v1/goals", 200, listed);
    expect(listed.data.map((g) => g.name)).toEqual(["Finished a lesson", "Big order"]);

    const put = await api(`/api/v1/goals/${lesson.id}`, {
      method: "PUT",
      token: site.admin,
      json: { name: "Courses", kind: "page", path: "/courses/*" },
    });
    expect(put.status).toBe(200);
    const one = await api(`/api/v1/goals/${lesson.id}`, { token: site.read });
    const replaced = await one.json();
    await expectDocumented("GET /api/v1/goals/{id}", 200, replaced);
    expect(replaced).toMatchObject({ id: lesson.id, name: "Courses", kind: "page", path: "/courses/*" });
    expect(replaced).not.toHaveProperty("event_name");

    // A read key cannot write goals; another site cannot see them.
    expect(
      (await api("/api/v1/goals", { method: "POST", token: site.read, json: { name: "x", kind: "signup" } })).status,
    ).toBe(403);
    const other = await createSite();
    await expectError(await api(`/api/v1/goals/${big.id}`, { token: other.read }), 404, "not_found");
    await expectError(
      await api("/api/v1/goals", {
        method: "POST",
        token: site.admin,
        json: { name: "x", kind: "page", path: "courses" },
      }),
      400,
      "validation_failed",
      "path",
    );
    await expectError(
      await api("/api/v1/goals", { method: "POST", token: site.admin, json: { name: "x", kind: "visit" } }),
      400,
      "validation_failed",
      "kind",
    );

    expect((await api(`/api/v1/goals/${big.id}`, { method: "DELETE", token: site.admin })).status).toBe(204);
    await expectError(await api(`/api/v1/goals/${big.id}`, { token: site.read }), 404, "not_found");
  });
});
