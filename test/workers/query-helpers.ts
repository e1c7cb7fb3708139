// A known event set for the query API tests, small enough to count by hand. The site is in
// America/New_York, whose summer time ends on 2026-11-01 at 02:00 (06:00 UTC): 31 Oct is EDT (UTC-4),
// 1-2 Nov are EST (UTC-5). Five visits by four visitors:
//
//  S1  v1 (u1)  Sat 31 Oct 10:00 EDT  14:00Z  Baidu cpc "brand" (+content, term), desktop Chrome, CN, region BJ
//        pageview /  ·  pageview /courses/py-101  ·  engagement 60 s on it  ·  purchase o1 199 CNY [py-101]  (6 min)
//  S2  v2       Sat 31 Oct 23:30 EDT  03:30Z 1 Nov  newsletter email "weekly", iPhone, US
//        pageview /blog/a                                                      (bounce, 0 s)
//  S3  v2 (u2)  Sun 1 Nov 01:30 EST   06:30Z        direct, iPhone, US
//        pageview /courses/py-101  ·  signup  ·  custom lesson_start {course: py-101, free: true}     (10 min)
//  S4  v3 (u3)  Sun 1 Nov 23:30 EST   04:30Z 2 Nov  zhihu social ?ref=laowang, iPhone, CN
//        pageview /courses/ds-201  ·  pageview /pricing  ·  purchase o2 99 CNY [ds-201 60, py-101 40]
//        ·  refund o2 20 CNY                                                    (10 min)
//  S5  v4       Mon 2 Nov 10:00 EST   15:00Z        Baidu cpc "brand", desktop Chrome, CN
//        pageview /courses/py-101                                              (bounce, 0 s)
//
// S2 (local 31 Oct) is already 1 Nov in UTC, and S4 (local 1 Nov) is 2 Nov in UTC: bucketing by UTC,
// or by one fixed offset, would put them in the wrong day (and S2 in the wrong month).
// Ad spend: baidu/cpc/brand 100 CNY on 31 Oct and 50 CNY on 2 Nov. Learner segments: u1 rfm
// champions and plan pro, u2 rfm loyal, u3 rfm champions, v4 none.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { api, BROWSER_UA, createSite, eventsLanded, IPHONE_UA, type TestSite, unique } from "./helpers";

export const FROM = "2026-10-31";
export const TO = "2026-11-02";
export const EVENT_COUNT = 15;

export interface QueryBody {
  results: { dimensions: string[]; metrics: (number | null)[]; comparison?: QueryComparison }[];
  meta: {
    currency: string;
    time_zone: string;
    date_range: [string, string];
    comparison_date_range: [string, string] | null;
    total_rows: number;
    time_labels?: string[];
    comparison_time_labels?: string[];
    source: "events" | "rollup";
    data_until: string | null;
    warnings: { code: string; message: string }[];
  };
  query: Record<string, unknown>;
}
export interface QueryComparison {
  dimensions: (string | null)[];
  metrics: (number | null)[];
  change: (number | null)[];
}

export async function seedQuerySite(): Promise<TestSite> {
  const site = await createSite({ currency: "CNY", timezone: "America/New_York", item_path_pattern: "/courses/:id" });
  const o = site.origin;
  const at = (iso: string) => Date.parse(iso);
  const ev = (visitor: string, type: string, ts: string, extra: Record<string, unknown> = {}) => ({
    id: unique("q"),
    type,
    visitor_id: visitor,
    ts: at(ts),
    ...extra,
  });
  const desktop = { user_agent: BROWSER_UA, country: "CN" };
  const iphone = (country: string) => ({ user_agent: IPHONE_UA, country });
  const events = [
    ev("v1", "pageview", "2026-10-31T14:00:00Z", {
      url: `${o}/?utm_source=baidu&utm_medium=cpc&utm_campaign=brand&utm_content=banner&utm_term=python`,
      ...desktop,
    }),
    ev("v1", "pageview", "2026-10-31T14:02:00Z", { url: `${o}/courses/py-101`, ...desktop }),
    ev("v1", "engagement", "2026-10-31T14:05:00Z", { url: `${o}/courses/py-101`, engaged_ms: 60_000, ...desktop }),
    ev("v1", "purchase", "2026-10-31T14:06:00Z", {
      url: `${o}/checkout`,
      user_id: "u1",
      order_id: "o1",
      revenue: 199,
      currency: "CNY",
      items: [{ id: "py-101", price: 199 }],
    }),
    ev("v2", "pageview", "2026-11-01T03:30:00Z", {
      url: `${o}/blog/a?utm_source=newsletter&utm_medium=email&utm_campaign=weekly`,
      ...iphone("US"),
    }),
    ev("v2", "pageview", "2026-11-01T06:30:00Z", { url: `${o}/courses/py-101`, ...iphone("US") }),
    ev("v2", "signup", "2026-11-01T06:35:00Z", { user_id: "u2" }),
    ev("v2", "custom", "2026-11-01T06:40:00Z", {
      name: "lesson_start",
      user_id: "u2",
      props: { course: "py-101", free: true },
    }),
    ev("v3", "pageview", "2026-11-02T04:30:00Z", {
      url: `${o}/courses/ds-201?utm_source=zhihu&utm_medium=social&ref=laowang`,
      ...iphone("CN"),
    }),
    ev("v3", "pageview", "2026-11-02T04:31:00Z", { url: `${o}/pricing`, ...iphone("CN") }),
    ev("v3", "purchase", "2026-11-02T04:33:00Z", {
      url: `${o}/checkout`,
      user_id: "u3",
      order_id: "o2",
      revenue: 99,
      currency: "CNY",
      items: [
        { id: "ds-201", price: 60 },
        { id: "py-101", price: 40 },
      ],
    }),
    ev("v3", "refund", "2026-11-02T04:40:00Z", { user_id: "u3", order_id: "o2", revenue: 20, currency: "CNY" }),
    ev("v4", "pageview", "2026-11-02T15:00:00Z", {
      url: `${o}/courses/py-101?utm_source=baidu&utm_medium=cpc&utm_campaign=brand`,
      ...desktop,
    }),
  ];
  // Two more events outside the range, which no test may count: 30 Oct and 3 Nov (local).
  events.push(
    ev("v9", "pageview", "2026-10-30T20:00:00Z", { url: `${o}/outside`, ...desktop }),
    ev("v9", "pageview", "2026-11-03T20:00:00Z", { url: `${o}/outside`, ...desktop }),
  );
  const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
  expect(res.status).toBe(202);
  const costs = [
    { date: "2026-10-31", source: "baidu", medium: "cpc", campaign: "brand", cost: 100, currency: "CNY" },
    { date: "2026-11-02", source: "baidu", medium: "cpc", campaign: "brand", cost: 50, currency: "CNY" },
  ];
  expect((await api("/api/v1/costs", { method: "POST", token: site.admin, json: costs })).status).toBe(200);
  await eventsLanded(site.id, EVENT_COUNT);
  // Region comes from Cloudflare's request data (request.cf), which server events do not carry:
  // set it on v1's session (its learner, u1; visitor ids are stored hashed) as capture would have.
  await env.DB.prepare("UPDATE sessions SET region = 'BJ' WHERE site_id = ?1 AND user_id = 'u1'").bind(site.id).run();
  const segment = (learner: string, kind: string, name: string) =>
    env.DB.prepare(
      "INSERT INTO learner_segments (site_id, learner_id, segment_kind, segment, computed_at) VALUES (?1, ?2, ?3, ?4, 0)",
    ).bind(site.id, learner, kind, name);
  await env.DB.batch([
    segment("u1", "rfm", "champions"),
    segment("u1", "plan", "pro"),
    segment("u2", "rfm", "loyal"),
    segment("u3", "rfm", "champions"),
  ]);
  return site;
}

/** POSTs a query with the site's read key; the range defaults to the three days of the event set. */
export async function query(site: TestSite, body: Record<string, unknown>, token = site.read) {
  return api("/api/v1/query", { method: "POST", token, json: { date_range: [FROM, TO], ...body } });
}

export async function ok(site: TestSite, body: Record<string, unknown>): Promise<QueryBody> {
  const res = await query(site, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as QueryBody;
}

/** Rows as {"dim|dim": [metrics]} for compact assertions. */
export function byDims(body: QueryBody): Record<string, (number | null)[]> {
  return Object.fromEntries(body.results.map((r) => [r.dimensions.join("|"), r.metrics]));
}
