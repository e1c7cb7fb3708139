// Shared steps of the partner tests: set up a program, partners and rules through the API, send
// server events through the real queue, and read commission rows once the consumer settled them.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { api, BROWSER_UA, eventually, type TestSite, unique } from "./helpers";

export const DAY = 86_400_000;

export async function program(site: TestSite, patch: Record<string, unknown>) {
  const res = await api("/api/v1/partner-program", { method: "PATCH", token: site.admin, json: patch });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

export interface TestPartner {
  id: string;
  code: string;
  referral_url: string;
  [k: string]: unknown;
}

export async function partner(site: TestSite, body: Record<string, unknown> = {}): Promise<TestPartner> {
  const res = await api("/api/v1/partners", {
    method: "POST",
    token: site.admin,
    json: { type: "affiliate", name: "Partner", code: unique("p"), ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as TestPartner;
}

export async function rule(site: TestSite, body: Record<string, unknown>) {
  const res = await api("/api/v1/commission-rules", { method: "POST", token: site.admin, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string };
}

export async function sendEvents(site: TestSite, events: Record<string, unknown>[]) {
  const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
  expect(res.status, await res.clone().text()).toBe(202);
}

/** A server-side visit landing with ?ref=CODE, for a known visitor at a given time. */
export const referredVisit = (site: TestSite, visitor: string, code: string, ts: number) => ({
  id: unique("v"),
  type: "pageview",
  visitor_id: visitor,
  ts,
  url: `${site.origin}/courses?ref=${code}`,
  user_agent: BROWSER_UA,
});

export const purchase = (
  visitor: string,
  orderId: string,
  revenue: number,
  ts: number,
  extra: Record<string, unknown> = {},
) => ({
  id: unique("buy"),
  type: "purchase",
  visitor_id: visitor,
  order_id: orderId,
  revenue,
  currency: "CNY",
  ts,
  user_agent: BROWSER_UA,
  ...extra,
});

export const refund = (orderId: string, ts: number, amount?: number) => ({
  id: unique("refund"),
  type: "refund",
  user_id: "refunds-desk",
  order_id: orderId,
  ...(amount !== undefined && { revenue: amount, currency: "CNY" }),
  ts,
});

export interface CommissionDbRow {
  id: string;
  partner_id: string;
  order_id: string;
  kind: string;
  status: string;
  reason: string | null;
  amount_minor: number;
  base_minor: number;
  hold_until: number;
  payout_id: string | null;
}

export async function commissionRows(siteId: string, orderId?: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM partner_commissions WHERE site_id = ?1 AND (?2 IS NULL OR order_id = ?2) ORDER BY created_at, id",
  )
    .bind(siteId, orderId ?? null)
    .all<CommissionDbRow>();
  return results;
}

/** Waits until the consumer has settled `orderId` into at least `count` rows matching `ready`. */
export function settled(
  siteId: string,
  orderId: string,
  count = 1,
  ready: (rows: CommissionDbRow[]) => boolean = () => true,
) {
  return eventually(async () => {
    const rows = await commissionRows(siteId, orderId);
    return rows.length >= count && ready(rows) ? rows : undefined;
  });
}

/** Waits until the order's purchase is stored (for tests expecting no commission at all). */
export function purchaseStored(siteId: string, orderId: string) {
  return eventually(async () =>
    env.DB.prepare("SELECT 1 AS ok FROM events WHERE site_id = ?1 AND order_id = ?2 AND type = 'purchase'")
      .bind(siteId, orderId)
      .first(),
  );
}
