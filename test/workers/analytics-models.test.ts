// The pure behaviour analyses, in workerd: goals, funnels (order modes, windows, which attempt
// counts), retention in a site's time zone, journeys, RFM, k-means, and the ridge value model,
// each against numbers worked out by hand in the comments beside them.
import { describe, expect, it } from "vitest";
import { fromSession, type AnalyticsEvent } from "../../models/analytics/events";
import { goalIssues, goalValueMinor, matchesGoal, type Goal, type PropertyFilter } from "../../models/analytics/goals";
import { funnel, funnelAttempts, type FunnelQuery } from "../../models/analytics/funnels";
import { retention } from "../../models/analytics/retention";
import { journeys } from "../../models/analytics/journeys";
import { ordersFromEvents, quintileScores, rfm, SEGMENT_GRID, SEGMENTS } from "../../models/analytics/rfm";
import { chooseK, kmeans, kmeansPlusPlus, lloyd, silhouette } from "../../models/analytics/kmeans";
import { cholesky, fitScaler, inverse, LinalgError, matMul, scaleRows, solve } from "../../models/linalg";
import {
  fitValueModel,
  learnerFeatures,
  rankLearners,
  ridge,
  VALUE_FEATURES,
  type LearnerRow,
} from "../../models/analytics/value-model";
import { gaussian, seededRandom } from "../../models/random";

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const T = Date.UTC(2026, 0, 10);

/** An event with the fields most tests do not care about filled in. */
function ev(visitorId: string, ts: number, type: string, extra: Partial<AnalyticsEvent> = {}): AnalyticsEvent {
  return { visitorId, ts, type, name: null, path: null, revenueMinor: null, ...extra };
}
const page = (v: string, ts: number, path: string, extra: Partial<AnalyticsEvent> = {}) =>
  ev(v, ts, "pageview", { path, ...extra });
const buy = (v: string, ts: number, revenueMinor: number, extra: Partial<AnalyticsEvent> = {}) =>
  ev(v, ts, "purchase", { revenueMinor, ...extra });
const custom = (v: string, ts: number, name: string, extra: Partial<AnalyticsEvent> = {}) =>
  ev(v, ts, "custom", { name, ...extra });

describe("goals", () => {
  it("matches page patterns with * across segments, exactly otherwise, ignoring a trailing slash", () => {
    const courses: Goal = { kind: "page", path: "/courses/*" };
    expect(matchesGoal(courses, page("v", 0, "/courses/a"))).toBe(true);
    expect(matchesGoal(courses, page("v", 0, "/courses/a/lesson/2"))).toBe(true);
    expect(matchesGoal(courses, page("v", 0, "/courses"))).toBe(false);
    expect(matchesGoal(courses, page("v", 0, "/courses-old/a"))).toBe(false);
    expect(matchesGoal(courses, ev("v", 0, "click", { path: "/courses/a" }))).toBe(false); // page views only
    const pricing: Goal = { kind: "page", path: "/pricing" };
    expect(matchesGoal(pricing, page("v", 0, "/pricing/"))).toBe(true);
    expect(matchesGoal(pricing, page("v", 0, "/pricing/x"))).toBe(false);
    expect(matchesGoal({ kind: "page", path: "/a.b" }, page("v", 0, "/axb"))).toBe(false); // "." is literal
  });

  it("filters custom events on properties: is, is_not, contains, matches", () => {
    const e = custom("v", 0, "video_play", { props: JSON.stringify({ course: "SQL-101", seconds: 30, hd: true }) });
    const goal = (filters: PropertyFilter[]): Goal => ({ kind: "event", name: "video_play", filters });
    expect(matchesGoal(goal([{ key: "seconds", operator: "is", value: 30 }]), e)).toBe(true);
    expect(matchesGoal(goal([{ key: "seconds", operator: "is", value: "30" }]), e)).toBe(true);
    expect(matchesGoal(goal([{ key: "hd", operator: "is", value: true }]), e)).toBe(true);
    expect(matchesGoal(goal([{ key: "course", operator: "is_not", value: "SQL-101" }]), e)).toBe(false);
    expect(matchesGoal(goal([{ key: "missing", operator: "is_not", value: "x" }]), e)).toBe(true);
    expect(matchesGoal(goal([{ key: "missing", operator: "is", value: "x" }]), e)).toBe(false);
    expect(matchesGoal(goal([{ key: "course", operator: "contains", value: "sql" }]), e)).toBe(true);
    expect(matchesGoal(goal([{ key: "course", operator: "matches", value: "^SQL-\\d+$" }]), e)).toBe(true);
    expect(matchesGoal(goal([{ key: "course", operator: "matches", value: "^\\d" }]), e)).toBe(false);
    expect(
      matchesGoal(
        goal([
          { key: "course", operator: "contains", value: "sql" },
          { key: "seconds", operator: "is", value: 31 },
        ]),
        e,
      ),
    ).toBe(false); // every filter must pass
    expect(matchesGoal({ kind: "event", name: "other" }, e)).toBe(false);
    expect(goalIssues(goal([{ key: "course", operator: "matches", value: "(" }]))[0]?.path).toBe(
      "goal.filters.0.value",
    );
  });

  it("counts sign-ups and purchases, a purchase goal worth its revenue", () => {
    const big: Goal = { kind: "purchase", minRevenueMinor: 10_000 };
    expect(matchesGoal({ kind: "signup" }, ev("v", 0, "signup"))).toBe(true);
    expect(matchesGoal(big, buy("v", 0, 9_999))).toBe(false);
    expect(matchesGoal(big, buy("v", 0, 19_900))).toBe(true);
    expect(goalValueMinor(big, buy("v", 0, 19_900))).toBe(19_900);
    expect(goalValueMinor({ kind: "signup" }, ev("v", 0, "signup"))).toBe(0);
  });
});

describe("funnels", () => {
  const steps: Goal[] = [{ kind: "page", path: "/" }, { kind: "page", path: "/pricing" }, { kind: "purchase" }];
  // A: another page between steps 1 and 2 (sequential converts, strict stops at step 1).
  // B: the purchase 2 h after step 1 (a 1 h window cuts it).
  // C: an engagement ping between steps, which strict order does not count as an event.
  // D: a first try that stalls at step 2, a later one that converts: the later one counts.
  // E: two tries both reaching step 2: the earlier one counts (channel Email, 1 minute).
  // F: never reaches step 1.
  const events: AnalyticsEvent[] = [
    page("A", T, "/", { channel: "Search" }),
    page("A", T + 1 * M, "/blog"),
    page("A", T + 2 * M, "/pricing"),
    buy("A", T + 4 * M, 100),
    page("B", T, "/", { channel: "Search" }),
    page("B", T + 5 * M, "/pricing"),
    buy("B", T + 2 * H, 100),
    page("C", T, "/", { channel: "Direct" }),
    ev("C", T + 30_000, "engagement", { engagedMs: 30_000 }),
    page("C", T + 1 * M, "/pricing"),
    buy("C", T + 2 * M, 100),
    page("D", T, "/", { channel: "Email" }),
    page("D", T + 10 * M, "/pricing"),
    page("D", T + 3 * H, "/", { channel: "Social" }),
    page("D", T + 3 * H + 1 * M, "/pricing"),
    buy("D", T + 3 * H + 4 * M, 100),
    page("E", T, "/", { channel: "Email" }),
    page("E", T + 1 * M, "/pricing"),
    page("E", T + 5 * H, "/", { channel: "Search" }),
    page("E", T + 5 * H + 3 * M, "/pricing"),
    page("F", T, "/blog"),
  ];
  const query = (over: Partial<FunnelQuery> = {}): FunnelQuery => ({
    steps,
    windowMs: H,
    order: "sequential",
    ...over,
  });

  it("sequential: reached 5 / 5 / 3, medians of the gaps between steps", () => {
    const r = funnel(events, query());
    expect(r.steps.map((s) => s.visitors)).toEqual([5, 5, 3]);
    expect(r.steps.map((s) => s.conversionFromPrevious)).toEqual([1, 1, 0.6]);
    expect(r.steps.map((s) => s.conversionFromFirst)).toEqual([1, 1, 0.6]);
    expect(r.steps.map((s) => s.dropOff)).toEqual([0, 0, 2]);
    expect(r.steps[2]!.dropOffRate).toBeCloseTo(0.4, 12);
    // Step 2 gaps: A 2m, B 5m, C 1m, D 1m (its second try), E 1m -> median 1m.
    // Step 3 gaps: A 2m, C 1m, D 3m -> median 2m.
    expect(r.steps.map((s) => s.medianTimeFromPreviousMs)).toEqual([null, 1 * M, 2 * M]);
    expect(r.steps.map((s) => s.label)).toEqual(["/", "/pricing", "Purchase"]);
    expect(r.breakdown).toBeNull();
  });

  it("strict: no other event between steps (engagement pings aside), so A stops at step 1", () => {
    const r = funnel(events, query({ order: "strict" }));
    expect(r.steps.map((s) => s.visitors)).toEqual([5, 4, 2]);
    // Step 2 gaps: B 5m, C 1m, D 1m, E 1m -> 1m. Step 3: C 1m, D 3m -> mean of the middle two, 2m.
    expect(r.steps.map((s) => s.medianTimeFromPreviousMs)).toEqual([null, 1 * M, 2 * M]);
    expect(funnelAttempts(events, query({ order: "strict" })).get("A")!.reached).toBe(1);
    expect(funnelAttempts(events, query({ order: "strict" })).get("C")!.reached).toBe(3);
  });

  it("counts the attempt that gets furthest, the earliest of equals", () => {
    const attempts = funnelAttempts(events, query());
    expect(attempts.get("D")).toMatchObject({ reached: 3, times: [T + 3 * H, T + 3 * H + M, T + 3 * H + 4 * M] });
    expect(attempts.get("E")).toMatchObject({ reached: 2, times: [T, T + M] });
    expect(attempts.get("E")!.first.channel).toBe("Email");
    expect(attempts.has("F")).toBe(false);
  });

  it("the window runs from step 1 and includes its end: B's purchase 2 h later converts only in a 2 h window", () => {
    expect(funnelAttempts(events, query({ windowMs: 2 * H })).get("B")!.reached).toBe(3);
    expect(funnelAttempts(events, query({ windowMs: 2 * H - 1 })).get("B")!.reached).toBe(2);
    expect(funnel(events, query({ windowMs: 2 * H })).steps.map((s) => s.visitors)).toEqual([5, 5, 4]);
  });

  it("breaks down by the counted attempt's first-step channel", () => {
    const r = funnel(events, query({ breakdown: "channel" }));
    // Search: A (3 steps), B (2); Direct: C; Email: E (first try); Social: D (second try).
    expect(r.breakdown!.map((b) => [b.value, b.steps.map((s) => s.visitors)])).toEqual([
      ["Search", [2, 2, 1]],
      ["Direct", [1, 1, 1]],
      ["Email", [1, 1, 0]],
      ["Social", [1, 1, 1]],
    ]);
    const cut = funnel(events, query({ breakdown: "channel", breakdownLimit: 2 }));
    expect(cut.breakdown!.map((b) => [b.value, b.steps.map((s) => s.visitors)])).toEqual([
      ["Search", [2, 2, 1]],
      ["Direct", [1, 1, 1]],
      ["(other)", [2, 2, 1]],
    ]);
  });

  it("rejects 1 or 9 steps and a window that is not positive", () => {
    expect(() => funnel(events, query({ steps: steps.slice(0, 1) }))).toThrow(RangeError);
    expect(() => funnel(events, query({ steps: Array(9).fill(steps[0]) }))).toThrow(RangeError);
    expect(() => funnel(events, query({ windowMs: 0 }))).toThrow(RangeError);
  });
});

describe("retention", () => {
  // Asia/Shanghai is UTC+8 all year: each local time below is 8 hours ahead of its UTC instant.
  const sh = (local: string) => Date.parse(`${local}+08:00`);
  const events: AnalyticsEvent[] = [
    // v1: Jan cohort (local), back on Feb 1 00:30 local, which is still Jan 31 in UTC.
    page("v1", sh("2026-01-31T23:30:00"), "/"),
    buy("v1", sh("2026-01-31T23:40:00"), 10_000),
    page("v1", sh("2026-02-01T00:30:00"), "/"),
    buy("v1", sh("2026-02-10T12:00:00"), 5_000),
    // v2: Feb cohort (local) although its first instant is Jan 31 in UTC; back in March.
    page("v2", sh("2026-02-01T07:00:00"), "/"),
    page("v2", sh("2026-03-15T12:00:00"), "/"),
    // v3: Jan cohort, back two months later.
    page("v3", sh("2026-01-05T09:00:00"), "/"),
    buy("v3", sh("2026-01-05T09:30:00"), 20_000),
    buy("v3", sh("2026-03-02T09:00:00"), 10_000),
    // v4: Feb cohort, back on Mar 1 00:10 local (Feb 28 in UTC).
    page("v4", sh("2026-02-28T23:59:00"), "/"),
    page("v4", sh("2026-03-01T00:10:00"), "/"),
  ];
  const asOf = sh("2026-03-20T12:00:00");

  it("monthly cohorts by first visit, in local months across a month boundary", () => {
    const r = retention(events, {
      cohortBy: "first_visit",
      period: "month",
      returnOn: "any",
      timeZone: "Asia/Shanghai",
      periods: 3,
      asOf,
    });
    expect(r.cohorts.map((c) => [c.start, c.size])).toEqual([
      ["2026-01-01", 2],
      ["2026-02-01", 2],
    ]);
    const [jan, feb] = r.cohorts;
    // Jan: both in month 0; v1 back in Feb; v3 back in Mar.
    expect(jan!.returning).toEqual([2, 1, 1]);
    expect(jan!.rates).toEqual([1, 0.5, 0.5]);
    // Revenue: month 0 100 + 200 = 300.00, month 1 50.00 (v1), month 2 100.00 (v3).
    expect(jan!.revenueMinor).toEqual([30_000, 5_000, 10_000]);
    expect(jan!.revenueRetention[0]).toBe(1);
    expect(jan!.revenueRetention[1]).toBeCloseTo(1 / 6, 12);
    expect(jan!.revenueRetention[2]).toBeCloseTo(1 / 3, 12);
    // Feb: both back in March; April has not begun on Mar 20.
    expect(feb!.returning).toEqual([2, 2, null]);
    expect(feb!.revenueMinor).toEqual([0, 0, null]);
    expect(feb!.revenueRetention).toEqual([null, null, null]);
    // Average: (2+2)/4, (1+2)/4, and month 2 from Jan alone, 1/2.
    expect(r.average).toEqual([1, 0.75, 0.5]);
  });

  it("reads sessions as activity: first visits and any-activity returns from session rows alone", () => {
    // One session per event here (every event above starts a visit).
    const sessions = events.map((e, i) =>
      fromSession({ id: `s${i}`, visitorId: e.visitorId, startedAt: e.ts, landingPath: e.path }),
    );
    const query = {
      cohortBy: "first_visit",
      period: "month",
      returnOn: "any",
      timeZone: "Asia/Shanghai",
      periods: 3,
      asOf,
    } as const;
    const fromEvents = retention(events, query);
    const fromSessions = retention(sessions, query);
    expect(fromSessions.cohorts.map((c) => c.returning)).toEqual(fromEvents.cohorts.map((c) => c.returning));
  });

  it("weekly cohorts start on Monday in the site's zone", () => {
    const r = retention(events, {
      cohortBy: "first_visit",
      period: "week",
      returnOn: "any",
      timeZone: "Asia/Shanghai",
      periods: 3,
      asOf,
    });
    // Jan 5 is a Monday; Sat Jan 31 and Sun Feb 1 both fall in the week of Mon Jan 26; Sat Feb 28 in Feb 23's.
    expect(r.cohorts.map((c) => [c.start, c.size])).toEqual([
      ["2026-01-05", 1],
      ["2026-01-26", 2],
      ["2026-02-23", 1],
    ]);
    // Week of Jan 26: v1 and v2 in week 0, v1's Feb 10 purchase in week 2 (Feb 9); v2 next in week 6.
    expect(r.cohorts[1]!.returning).toEqual([2, 0, 1]);
    // Week of Feb 23: v4's visit on Sunday Mar 1 is still that week (Monday to Sunday).
    expect(r.cohorts[2]!.returning).toEqual([1, 0, 0]);
  });

  it("cohorts by first purchase, returns by lessons at or after the cohort event, local days", () => {
    const lessons: AnalyticsEvent[] = [
      custom("w1", sh("2026-01-05T08:00:00"), "lesson_start"), // before the purchase: no return
      buy("w1", sh("2026-01-05T09:00:00"), 19_900),
      custom("w1", sh("2026-01-06T01:00:00"), "lesson_complete"), // local Jan 6 (UTC Jan 5)
      custom("w2", sh("2026-01-05T10:00:00"), "lesson_start"), // never buys: in no cohort
    ];
    const r = retention(lessons, {
      cohortBy: "first_purchase",
      period: "day",
      returnOn: "lesson",
      timeZone: "Asia/Shanghai",
      periods: 2,
    });
    expect(r.cohorts).toHaveLength(1);
    expect(r.cohorts[0]).toMatchObject({ start: "2026-01-05", size: 1, returning: [0, 1], revenueMinor: [19_900, 0] });
  });
});

describe("journeys", () => {
  const s = (sessionId: string) => ({ sessionId });
  const events: AnalyticsEvent[] = [
    // s1: "/" twice collapses; the engagement ping is skipped.
    page("v1", T, "/", s("s1")),
    page("v1", T + 1000, "/", s("s1")),
    ev("v1", T + 2000, "engagement", s("s1")),
    page("v1", T + 3000, "/courses", s("s1")),
    page("v1", T + 4000, "/courses/a", s("s1")),
    // s2: a click between two views of /courses: skipped, and the views collapse.
    page("v2", T, "/", s("s2")),
    page("v2", T + 1000, "/courses", s("s2")),
    ev("v2", T + 2000, "click", { ...s("s2"), path: "/courses" }),
    page("v2", T + 3000, "/courses", s("s2")),
    ev("v2", T + 4000, "signup", s("s2")),
    // s3: starts elsewhere; the path starts at its first "/".
    page("v3", T, "/blog", s("s3")),
    page("v3", T + 1000, "/", s("s3")),
    page("v3", T + 2000, "/pricing", s("s3")),
    buy("v3", T + 3000, 100, s("s3")),
    page("v4", T, "/", s("s4")),
    page("v4", T + 1000, "/about", s("s4")),
    page("v5", T, "/blog", s("s5")), // never reaches "/"
    page("v1", T + D, "/", s("s6")),
    page("v1", T + D + 1000, "/courses", s("s6")),
    page("v1", T + D + 2000, "/courses/a", s("s6")),
  ];

  it("from an entry: counts per node and link, top 2 per step, the rest as (other)", () => {
    const r = journeys(events, { direction: "from", anchor: { kind: "page", path: "/" }, steps: 3, topN: 2 });
    expect(r.total).toBe(5);
    // Step 1: /courses 3, /about 1, /pricing 1 -> /about wins the tie by name, /pricing is other.
    // Step 2: /courses/a 2, purchase 1, signup 1 -> signup is other.
    expect(r.nodes.map((n) => [n.id, n.value])).toEqual([
      ["0:/", 5],
      ["1:/courses", 3],
      ["1:(other)", 1],
      ["1:/about", 1],
      ["2:/courses/a", 2],
      ["2:(other)", 1],
      ["2:purchase", 1],
    ]);
    expect(r.links.map((l) => [l.source, l.target, l.value])).toEqual([
      ["0:/", "1:/courses", 3],
      ["0:/", "1:(other)", 1],
      ["0:/", "1:/about", 1],
      ["1:/courses", "2:/courses/a", 2],
      ["1:(other)", "2:purchase", 1],
      ["1:/courses", "2:(other)", 1],
    ]);
    expect(r.paths).toEqual([
      { steps: ["/", "/courses", "/courses/a"], count: 2 },
      { steps: ["/", "/about"], count: 1 },
    ]);
  });

  it("into a goal: paths aligned on the goal at the last step", () => {
    const more = [...events, page("v6", T, "/pricing", s("s7")), buy("v6", T + 1000, 100, s("s7"))];
    const r = journeys(more, { direction: "into", anchor: { kind: "purchase" }, steps: 3, topN: 5 });
    expect(r.total).toBe(2);
    expect(r.nodes.map((n) => [n.id, n.value])).toEqual([
      ["0:/", 1],
      ["1:/pricing", 2],
      ["2:purchase", 2],
    ]);
    expect(r.links.map((l) => [l.source, l.target, l.value])).toEqual([
      ["0:/", "1:/pricing", 1],
      ["1:/pricing", "2:purchase", 2],
    ]);
  });

  it("without session ids, 30 minutes of silence starts a new visit", () => {
    const r = journeys(
      [page("x", T, "/"), page("x", T + M, "/a"), page("x", T + 31 * M + M, "/"), page("x", T + 33 * M, "/b")],
      { direction: "from", anchor: { kind: "page", path: "/" }, steps: 2, topN: 5 },
    );
    expect(r.total).toBe(2);
    expect(r.links.map((l) => [l.target, l.value])).toEqual([
      ["1:/a", 1],
      ["1:/b", 1],
    ]);
  });
});

describe("RFM", () => {
  it("scores quintiles by rank, equal values sharing a score, recency reversed", () => {
    // Sorted: 1 2 3 3 3 5 5 8 9 10; score = 1 + floor(5 · (values strictly below) / 10).
    const values = [5, 5, 1, 2, 3, 3, 3, 8, 9, 10];
    expect(quintileScores(values)).toEqual([3, 3, 1, 1, 2, 2, 2, 4, 5, 5]);
    // Reversed: values strictly above: 5 -> 3, 1 -> 9, 2 -> 8, 3 -> 5, 8 -> 2, 9 -> 1, 10 -> 0.
    expect(quintileScores(values, false)).toEqual([2, 2, 5, 5, 3, 3, 3, 2, 1, 1]);
    // The input order does not matter.
    expect(quintileScores([...values].reverse())).toEqual([3, 3, 1, 1, 2, 2, 2, 4, 5, 5].reverse());
  });

  it("names the 11 segments from R and (F+M)/2 on a small list of learners", () => {
    const ago = (days: number) => T - days * D;
    const events: AnalyticsEvent[] = [
      ...[1, 2, 5, 20, 30].map((d) => buy("a", ago(d), 100)),
      ...[3, 4, 6, 7].map((d) => buy("b", ago(d), 100)),
      buy("c", ago(10), 100),
      ...[40, 50, 60].map((d) => buy("d", ago(d), 100)),
      buy("e", ago(100), 50),
      buy("f", ago(200), 150),
      buy("f", ago(210), 150),
      ev("f", ago(5), "refund", { revenueMinor: 150 }), // lowers money, not recency
      page("a", ago(0.5), "/"), // not an order
      buy("a", T + D, 999), // after asOf
    ];
    const r = rfm(ordersFromEvents(events), T);
    // n = 6, score = 1 + floor(5 · worse / 6): worse 0..5 -> 1, 1, 2, 3, 4, 5.
    // Recency days a 1, b 3, c 10, d 40, e 100, f 200 -> R 5 4 3 2 1 1.
    // Frequency a 5, b 4, c 1, d 3, e 1, f 2 -> F 5 4 1 3 1 2 (c and e tie).
    // Money a 500, b 400, c 100, d 300, e 50, f 150 -> M 5 4 1 3 1 2.
    expect(r.learners.map((l) => [l.learnerId, l.r, l.f, l.m, l.segment])).toEqual([
      ["a", 5, 5, 5, "champions"],
      ["b", 4, 4, 4, "champions"],
      ["c", 3, 1, 1, "about_to_sleep"],
      ["d", 2, 3, 3, "at_risk"],
      ["e", 1, 1, 1, "lost"],
      ["f", 1, 2, 2, "hibernating"],
    ]);
    expect(r.learners.find((l) => l.learnerId === "f")).toMatchObject({
      recencyDays: 200,
      frequency: 2,
      monetaryMinor: 150,
    });
    expect(r.segments.find((s) => s.segment === "champions")).toEqual({
      segment: "champions",
      learners: 2,
      revenueMinor: 900,
    });
    expect(r.segments).toHaveLength(11);
  });

  it("the grid uses every one of the 11 segments", () => {
    expect(new Set(SEGMENT_GRID.flat())).toEqual(new Set(SEGMENTS));
    expect(SEGMENTS).toHaveLength(11);
  });
});

/** Plain Lloyd, written from the textbook: nearest centroid (lowest index on ties), means, repeat until stable. */
function referenceLloyd(points: number[][], initial: number[][]) {
  let centroids = initial.map((c) => [...c]);
  let labels: number[] = [];
  for (let round = 0; round < 100; round++) {
    const next = points.map((p) => {
      let best = 0;
      for (let c = 1; c < centroids.length; c++) {
        const d = (q: number[]) => q.reduce((s, v, j) => s + (v - p[j]!) ** 2, 0);
        if (d(centroids[c]!) < d(centroids[best]!)) best = c;
      }
      return best;
    });
    if (next.join() === labels.join()) break;
    labels = next;
    centroids = centroids.map((old, c) => {
      const members = points.filter((_, i) => labels[i] === c);
      return members.length ? old.map((_, j) => members.reduce((s, p) => s + p[j]!, 0) / members.length) : old;
    });
  }
  return { centroids, labels };
}

/** Three blobs in 2-D around (0, 0), (10, 0) and (0, 10) with spread 1, n / 3 points each. */
function blobs(seed: number, n = 60): number[][] {
  const noise = gaussian(2 * n, 1, seededRandom(seed));
  const centres = [
    [0, 0],
    [10, 0],
    [0, 10],
  ];
  return Array.from({ length: n }, (_, i) => [
    centres[i % 3]![0]! + noise[2 * i]!,
    centres[i % 3]![1]! + noise[2 * i + 1]!,
  ]);
}

describe("k-means", () => {
  it("equals a plain reference Lloyd from the same initial centroids", () => {
    const data = blobs(4);
    const initial = [data[0]!, data[1]!, data[3]!]; // two from the first blob: Lloyd has work to do
    const ours = lloyd(data, initial);
    const ref = referenceLloyd(data, initial);
    expect(ours.assignments).toEqual(ref.labels);
    ours.centroids.forEach((c, i) => c.forEach((v, j) => expect(v).toBeCloseTo(ref.centroids[i]![j]!, 10)));
  });

  it("k-means++ with a seed, on standardised features, is the reference from the same seeding, and repeats", () => {
    const data = blobs(5);
    const z = scaleRows(data, fitScaler(data));
    const single = kmeans(data, 3, 42, { restarts: 1 });
    const ref = referenceLloyd(z, kmeansPlusPlus(z, 3, seededRandom(42)));
    expect(single.assignments).toEqual(ref.labels);
    const result = kmeans(data, 3, 42);
    expect(kmeans(data, 3, 42)).toEqual(result);
    // Each blob is one cluster, described in the original units.
    expect(result.clusters.map((c) => c.size)).toEqual([20, 20, 20]);
    const centres = result.clusters.map((c) => c.means.map(Math.round).join(",")).sort();
    expect(centres).toEqual(["0,0", "0,10", "10,0"]);
  });

  it("silhouette by its definition on a 2-cluster toy set", () => {
    // A = {0, 2}, B = {10, 14} on a line.
    // s(0) = (12 − 2) / 12, s(2) = (10 − 2) / 10, s(10) = (9 − 4) / 9, s(14) = (13 − 4) / 13.
    const expected = (10 / 12 + 8 / 10 + 5 / 9 + 9 / 13) / 4;
    expect(silhouette([[0], [2], [10], [14]], [0, 0, 1, 1])).toBeCloseTo(expected, 12);
    // A point alone in its cluster scores 0: s(0) = (10 − 2) / 10, s(2) = (8 − 2) / 8, s(10) = 0.
    expect(silhouette([[0], [2], [10]], [0, 0, 1])).toBeCloseTo((0.8 + 0.75 + 0) / 3, 12);
    expect(silhouette([[0], [1]], [0, 0])).toBeNull();
  });

  it("chooseK picks the 3 blobs by silhouette", () => {
    const r = chooseK(blobs(6), [2, 5], 7);
    expect(r.k).toBe(3);
    expect(r.scores.map((s) => s.k)).toEqual([2, 3, 4, 5]);
    const best = Math.max(...r.scores.map((s) => s.silhouette!));
    expect(r.scores.find((s) => s.k === 3)!.silhouette).toBe(best);
  });

  it("chooseK on more rows than the silhouette sample still finds the 3 blobs, the same way each time", () => {
    const data = blobs(8, 2400);
    const r = chooseK(data, [2, 4], 9);
    expect(r.k).toBe(3);
    expect(r.result.clusters.map((c) => c.size)).toEqual([800, 800, 800]);
    expect(chooseK(data, [2, 4], 9).scores).toEqual(r.scores);
  });
});

describe("linear algebra", () => {
  it("Gaussian elimination pivots past a zero on the diagonal", () => {
    // x = (1, 2, 3): b = (0·1 + 2·2 + 1·3, 1 + 2 + 3, 2·1 + 1·2 + 0).
    const a = [
      [0, 2, 1],
      [1, 1, 1],
      [2, 1, 0],
    ];
    solve(a, [7, 6, 4]).forEach((v, i) => expect(v).toBeCloseTo(i + 1, 12));
    matMul(a, inverse(a)).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
    expect(() =>
      solve(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toThrow(LinalgError);
  });

  it("Cholesky of [[4, 2], [2, 3]] is [[2, 0], [1, √2]]", () => {
    const l = cholesky([
      [4, 2],
      [2, 3],
    ]);
    expect(l[0]).toEqual([2, 0]);
    expect(l[1]![0]).toBe(1);
    expect(l[1]![1]).toBeCloseTo(Math.SQRT2, 14);
    expect(() =>
      cholesky([
        [1, 2],
        [2, 1],
      ]),
    ).toThrow(LinalgError);
  });
});

describe("value model", () => {
  // x = 0 1 2 3, y = 1 3 5 8: x̄ = 1.5, ȳ = 4.25, Sxx = 5, Sxy = 11.5.
  const x = [[0], [1], [2], [3]];
  const y = [1, 3, 5, 8];

  it("λ = 0: the normal-equation solution and OLS standard errors", () => {
    const fit = ridge(x, y, 0);
    // slope = 11.5 / 5 = 2.3, intercept = 4.25 − 2.3 · 1.5 = 0.8.
    expect(fit.coefficients[0]).toBeCloseTo(0.8, 12);
    expect(fit.coefficients[1]).toBeCloseTo(2.3, 12);
    // Residuals 0.2 −0.1 −0.4 0.3: RSS 0.3, σ̂² = 0.3 / (4 − 2) = 0.15.
    expect(fit.effectiveDf).toBeCloseTo(2, 12);
    expect(fit.sigma2).toBeCloseTo(0.15, 12);
    // SE(slope)² = σ̂² / Sxx = 0.03; SE(intercept)² = σ̂² (1/n + x̄²/Sxx) = 0.15 · 0.7 = 0.105.
    expect(fit.standardErrors[1]).toBeCloseTo(Math.sqrt(0.03), 12);
    expect(fit.standardErrors[0]).toBeCloseTo(Math.sqrt(0.105), 12);
  });

  it("λ = 0 recovers an exact linear rule in two features", () => {
    // y = 1 + 2a − b on five rows.
    const rows = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 1],
    ];
    const fit = ridge(
      rows,
      rows.map(([a, b]) => 1 + 2 * a! - b!),
      0,
    );
    [1, 2, -1].forEach((v, i) => expect(fit.coefficients[i]).toBeCloseTo(v, 12));
  });

  it("λ > 0 shrinks the slope, not the intercept", () => {
    // Unpenalised intercept: slope = Sxy / (Sxx + λ) = 11.5 / 10 = 1.15, intercept = 4.25 − 1.15 · 1.5 = 2.525.
    const fit = ridge(x, y, 5);
    expect(fit.coefficients[1]).toBeCloseTo(1.15, 12);
    expect(fit.coefficients[0]).toBeCloseTo(2.525, 12);
    // tr(H) = 1 + Sxx / (Sxx + λ) = 1.5; residuals −1.525 −0.675 0.175 2.025: RSS 6.9125, σ̂² = 6.9125 / 2.5.
    expect(fit.effectiveDf).toBeCloseTo(1.5, 12);
    expect(fit.sigma2).toBeCloseTo(2.765, 12);
    // Var(slope) = σ̂² Sxx / (Sxx + λ)² = 2.765 · 0.05; Var(intercept) = σ̂² (1/n + x̄² · 0.05).
    expect(fit.standardErrors[1]).toBeCloseTo(Math.sqrt(2.765 * 0.05), 12);
    expect(fit.standardErrors[0]).toBeCloseTo(Math.sqrt(2.765 * (0.25 + 2.25 * 0.05)), 12);
    const slopes = [0, 1, 10, 100, 1e9].map((lambda) => ridge(x, y, lambda).coefficients[1]!);
    slopes.slice(1).forEach((s, i) => expect(s).toBeLessThan(slopes[i]!));
    expect(ridge(x, y, 1e9).coefficients[0]).toBeCloseTo(4.25, 6); // all the way to the mean
  });

  it("builds a learner's first-week features and 90-day revenue from events", () => {
    const events: AnalyticsEvent[] = [
      page("l", T, "/", { sessionId: "s1" }),
      ev("l", T + M, "engagement", { sessionId: "s1", engagedMs: 3 * M }),
      custom("l", T + 2 * M, "lesson_start", { sessionId: "s1" }),
      ev("l", T + 3 * M, "signup", { sessionId: "s1" }),
      page("l", T + 2 * D, "/courses/a", { sessionId: "s2" }),
      custom("l", T + 2 * D + M, "lesson_complete", { sessionId: "s2" }),
      custom("l", T + 2 * D + 2 * M, "share", { sessionId: "s2" }),
      buy("l", T + 3 * D, 19_900, { sessionId: "s3" }),
      page("l", T + 8 * D, "/", { sessionId: "s4" }), // day 8: past the first week
      buy("l", T + 60 * D, 9_900),
      buy("l", T + 95 * D, 5_000), // past 90 days
    ];
    const [row] = learnerFeatures(events, T + 100 * D);
    const expected: Record<(typeof VALUE_FEATURES)[number], number> = {
      sessions: 3,
      active_days: 3,
      pageviews: 2,
      lesson_starts: 1,
      lesson_completes: 1,
      engaged_minutes: 3,
      custom_events: 1,
      signed_up: 1,
      purchases: 1,
      revenue: 19_900,
    };
    VALUE_FEATURES.forEach((f, j) =>
      expect(row!.features[j]).toBeCloseTo(f === "signed_up" ? expected[f] : Math.log1p(expected[f]), 12),
    );
    expect(row).toMatchObject({ learnerId: "l", revenue90Minor: 29_800, complete: true, ready: true });
    expect(learnerFeatures(events, T + 5 * D)[0]).toMatchObject({ complete: false, ready: false });
  });

  it("beats the mean on held-out learners and ranks by predicted value", () => {
    const random = seededRandom(11);
    const noise = gaussian(300, 500, random);
    const rows: LearnerRow[] = Array.from({ length: 300 }, (_, i) => {
      const features = VALUE_FEATURES.map(() => Math.floor(random() * 5));
      // Revenue grows with lessons completed (feature 4) and first-week revenue (feature 9).
      const revenue = 2000 * features[4]! + 1000 * features[9]! + noise[i]!;
      const id = `u${String(i).padStart(3, "0")}`;
      return { learnerId: id, firstSeen: T, features, revenue90Minor: revenue, complete: true, ready: true };
    });
    const model = fitValueModel(rows, { lambda: 1, holdoutShare: 0.25, seed: 3 });
    expect(model.train.n + model.holdout.n).toBe(300);
    expect(model.holdout.n).toBe(75);
    expect(model.holdout.r2!).toBeGreaterThan(0.8);
    expect(model.holdout.baselineR2!).toBeLessThanOrEqual(0);
    const lessons = model.coefficients.find((c) => c.feature === "lesson_completes")!;
    expect(lessons.estimate / lessons.standardError).toBeGreaterThan(10);
    const ranked = rankLearners(model, rows);
    expect(ranked).toHaveLength(300);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i]!.predictedMinor).toBeLessThanOrEqual(ranked[i - 1]!.predictedMinor);
    expect(fitValueModel(rows, { seed: 3 })).toEqual(fitValueModel(rows, { seed: 3 }));
  });
});
