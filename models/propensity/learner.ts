// Purchase propensity for a learner and a course: features "as of" a moment, from the learner's
// sessions and signals up to then. Training takes each (learner, course) decision point from the
// past; serving takes now. Same function, so the model sees the same numbers in both.
import type { Signal } from "../recs/signals";
import type { FeatureRow, FeatureSpec } from "./features";
import { DAY_MS } from "../../core/time";

export interface SessionFact {
  startedAt: number;
  pageviews: number;
  engagedMs: number;
  channel: string;
  device: string;
}

export const LEARNER_ITEM_SPEC: FeatureSpec = {
  numeric: [
    "sessions_30d",
    "days_since_last_session",
    "pageviews",
    "course_pages",
    "engaged_s",
    "purchases_before",
    "item_views",
    "item_engaged_s",
    "added_to_cart",
    "price",
    "returning",
  ],
  categorical: ["channel", "device"],
};

/** Features of (learner, item) at time `at`; sessions and signals are the learner's own. */
export function learnerItemFeatures(
  sessions: readonly SessionFact[],
  signals: readonly Signal[],
  item: string,
  price: number | null,
  at: number,
): FeatureRow {
  let sessions30 = 0;
  let pageviews = 0;
  let engagedMs = 0;
  let last: SessionFact | undefined;
  let count = 0;
  for (const s of sessions) {
    if (s.startedAt > at) continue;
    count++;
    pageviews += s.pageviews;
    engagedMs += s.engagedMs;
    if (s.startedAt > at - 30 * DAY_MS) sessions30++;
    if (!last || s.startedAt > last.startedAt) last = s;
  }
  const viewed = new Set<string>();
  let purchases = 0;
  let itemViews = 0;
  let itemEngaged = 0;
  let cart = 0;
  for (const s of signals) {
    if (s.ts > at) continue;
    if (s.kind === "view") viewed.add(s.item);
    if (s.kind === "purchase") purchases++;
    if (s.item !== item) continue;
    if (s.kind === "view" || s.kind === "click") itemViews++;
    if (s.kind === "engaged") itemEngaged += s.weight;
    if (s.kind === "add_to_cart") cart = 1;
  }
  return {
    sessions_30d: sessions30,
    days_since_last_session: last ? (at - last.startedAt) / DAY_MS : 365,
    pageviews,
    course_pages: viewed.size,
    engaged_s: engagedMs / 1000,
    purchases_before: purchases,
    item_views: itemViews,
    item_engaged_s: itemEngaged,
    added_to_cart: cart,
    price: price ?? 0,
    returning: count > 1 ? 1 : 0,
    channel: last?.channel ?? "Direct",
    device: last?.device ?? "unknown",
  };
}

export interface Example {
  row: FeatureRow;
  label: number;
  at: number;
}

/**
 * Past decision points: for every course a learner looked at, the moment of their last look
 * before buying it (label 1), or their last look if they never bought it (label 0). Purchases
 * with no look before them have no decision point to learn from.
 */
export function propensityExamples(
  sessions: readonly SessionFact[],
  signals: readonly Signal[],
  prices: ReadonlyMap<string, number | null>,
): Example[] {
  const firstPurchase = new Map<string, number>();
  for (const s of signals) {
    if (s.kind === "purchase" && !firstPurchase.has(s.item)) firstPurchase.set(s.item, s.ts);
  }
  const lastLook = new Map<string, number>();
  for (const s of signals) {
    if (s.kind === "purchase" || s.kind === "refund") continue;
    const bought = firstPurchase.get(s.item);
    if (bought !== undefined && s.ts >= bought) continue;
    lastLook.set(s.item, Math.max(lastLook.get(s.item) ?? 0, s.ts));
  }
  return [...lastLook].map(([item, at]) => ({
    row: learnerItemFeatures(sessions, signals, item, prices.get(item) ?? null, at),
    label: firstPurchase.has(item) ? 1 : 0,
    at,
  }));
}
