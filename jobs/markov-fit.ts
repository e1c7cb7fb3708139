// Fits the site's Markov chains (one per dimension) on the last FIT_WINDOW_DAYS of journeys and
// keeps their removal effects; the rollup credits each purchase's touches by them. A journey is a
// customer's sessions: those before each purchase (within the lookback) form a converting path,
// and sessions after the last purchase a path that did not convert. Runs daily, over a bounded
// window, so its cost does not grow with history.
import type { SiteDatabase } from "../schema/databases";
import { type Dimension, DIMENSIONS, type RemovalEffects, type Touch, touchValue } from "../models/attribution/credit";
import { markovAttribution } from "../models/attribution/markov";
import type { ConversionPath } from "../models/attribution/paths";
import { purchasesBetween, type SessionTouch, sessionsBetween } from "../schema/queries/rollup";
import type { SiteScope } from "../schema/queries/scope";
import { DAY_MS } from "../core/time";

export const FIT_WINDOW_DAYS = 90;
/**
 * Workers have 128 MB: a session row costs a few hundred bytes in memory, so the fit reads at most
 * this many of the most recent sessions (a sample of the window for the largest sites).
 */
export const FIT_MAX_SESSIONS = 200_000;

export const toTouch = (s: SessionTouch): Touch => ({
  ts: s.started_at,
  channel: s.channel,
  source: s.source,
  campaign: s.campaign,
  partner: s.partner_code,
});

export async function fitRemovalEffects(
  db: SiteDatabase,
  scope: SiteScope,
  now: number,
  lookbackDays: number,
): Promise<RemovalEffects> {
  const effects: RemovalEffects = {};
  for (const [dimension, paths] of await journeyPaths(db, scope, now, lookbackDays, DIMENSIONS)) {
    effects[dimension] = Object.fromEntries(markovAttribution(paths).removalEffects);
  }
  return effects;
}

/**
 * The site's journeys of the last FIT_WINDOW_DAYS as conversion paths, per dimension: what the fit
 * above learns from, and what GET /api/v1/reports/markov shows as the chain's transitions.
 */
export async function journeyPaths(
  db: SiteDatabase,
  scope: SiteScope,
  now: number,
  lookbackDays: number,
  dimensions: readonly Dimension[],
): Promise<Map<Dimension, ConversionPath[]>> {
  const from = now - FIT_WINDOW_DAYS * DAY_MS;
  const sessions = await sessionsBetween(db, scope, from, now, FIT_MAX_SESSIONS);
  // Purchases only from the sessions' span, so a sampled window stays consistent.
  const since = sessions.at(-1)?.started_at ?? from; // newest first: the last is the oldest
  const purchases = await purchasesBetween(db, scope, since, now);
  const journeys = new Map<string, { sessions: typeof sessions; buys: number[] }>();
  for (const s of sessions) {
    const key = s.user_id ?? s.visitor_id;
    const j = journeys.get(key) ?? { sessions: [], buys: [] };
    j.sessions.push(s);
    journeys.set(key, j);
  }
  for (const p of purchases) journeys.get(p.customer)?.buys.push(p.ts);

  const out = new Map<Dimension, ConversionPath[]>();
  for (const dimension of dimensions) {
    const paths = new Map<string, ConversionPath>();
    const add = (sessions: SessionTouch[], converted: boolean) => {
      if (sessions.length === 0) return;
      const channels = sessions.map((s) => touchValue(toTouch(s), dimension));
      const key = channels.join("\u0000");
      const path = paths.get(key) ?? { channels, conversions: 0, value: 0, nulls: 0 };
      if (converted) path.conversions += 1;
      else path.nulls += 1;
      paths.set(key, path);
    };
    for (const { sessions: list, buys } of journeys.values()) {
      list.sort((a, b) => a.started_at - b.started_at);
      buys.sort((a, b) => a - b);
      let next = 0;
      for (const buy of buys) {
        add(
          list.filter((s, i) => i >= next && s.started_at <= buy && s.started_at >= buy - lookbackDays * DAY_MS),
          true,
        );
        next = list.findIndex((s) => s.started_at > buy);
        if (next < 0) next = list.length;
      }
      add(list.slice(next), false);
    }
    out.set(dimension, [...paths.values()]);
  }
  return out;
}
