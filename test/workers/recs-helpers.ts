// A small course shop with two tastes: learners who like data courses and learners who like
// design courses. Each views four courses of their taste and buys two, through the real server
// API and queue, so the recommenders have a structure to learn.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { expectDocumented } from "./documented";
import { api, BROWSER_UA, eventually, type TestSite, unique } from "./helpers";

export const DAY = 86_400_000;
export const DATA = ["d1", "d2", "d3", "d4", "d5", "d6"];
export const DESIGN = ["g1", "g2", "g3", "g4", "g5", "g6"];

export async function catalog(site: TestSite) {
  const items = [...DATA, ...DESIGN].map((id) => ({
    id,
    title: `Course ${id}`,
    category: id.startsWith("d") ? "data" : "design",
    price: id.endsWith("1") ? 99 : 199,
    currency: "CNY",
  }));
  const res = await api("/api/v1/items", { method: "POST", token: site.admin, json: { items } });
  expect(res.status, await res.clone().text()).toBe(200);
}

const base = (user: string, ts: number) => ({ id: unique("e"), user_id: user, ts, user_agent: BROWSER_UA });
export const view = (user: string, item: string, ts: number) => ({
  ...base(user, ts),
  type: "custom",
  name: "view_item",
  props: { item_id: item },
});
export const buy = (
  user: string,
  item: string,
  ts: number,
  order = unique("o"),
  extra: Record<string, unknown> = {},
) => ({
  ...base(user, ts),
  type: "purchase",
  order_id: order,
  revenue: 199,
  currency: "CNY",
  items: [{ id: item, price: 199 }],
  ...extra,
});
/** Refunds come from the payment back end, under its own id rather than the learner's. */
export const refund = (order: string, ts: number) => ({
  id: unique("r"),
  type: "refund",
  user_id: "payments-desk",
  order_id: order,
  ts,
  user_agent: BROWSER_UA,
});

/** Learner n of a taste: views four courses (rotating through the six), buys the first two. */
export function learnerEvents(user: string, courses: string[], n: number, start: number) {
  const picks = [0, 1, 2, 3].map((i) => courses[(n + i) % courses.length]!);
  const t = start + n * 3_600_000;
  return [
    ...picks.map((item, i) => view(user, item, t + i * 60_000)),
    buy(user, picks[0]!, t + 10 * 60_000),
    buy(user, picks[1]!, t + 11 * 60_000),
  ];
}

export async function send(site: TestSite, events: Record<string, unknown>[]) {
  const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
  expect(res.status, await res.clone().text()).toBe(202);
}

export async function landed(siteId: string, count: number) {
  await eventually(async () => {
    const row = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE site_id = ?1")
      .bind(siteId)
      .first<{ n: number }>();
    return row!.n >= count;
  }, 20_000);
}

export interface RetrainResult {
  kind: string;
  promoted: boolean;
  reason: string;
  model: { id: string; version: number; status: string; metrics: Record<string, unknown> } | null;
}

export async function retrain(site: TestSite, body: Record<string, unknown> = {}) {
  const res = await api("/api/v1/models/retrain", { method: "POST", token: site.admin, json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  const result = await res.json();
  await expectDocumented("POST /api/v1/models/retrain", 200, result);
  const { data } = result as { data: RetrainResult[] };
  return Object.fromEntries(data.map((d) => [d.kind, d])) as Record<"recommender" | "propensity", RetrainResult>;
}

export interface RecList {
  rec_id: string;
  model: { id: string; version: number } | "baseline";
  learner: { known: boolean; in_model: boolean };
  items: { id: string; score: number; reason: string }[];
}

export async function recommend(site: TestSite, query: string): Promise<RecList> {
  const res = await api(`/api/v1/recommendations?${query}`, { token: site.read });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = await res.json();
  await expectDocumented("GET /api/v1/recommendations", 200, body);
  return body as RecList;
}
