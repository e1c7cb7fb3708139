// Incremental channel-ROI rollup. A run reads only the events received since its watermark, turns
// them into the set of local days they change (a refund changes its purchase's day; any purchase
// changes its customer's first-purchase day, whose 30/90-day LTV it adds to), and recomputes just
// those days from the base tables, replacing their rows. So a run costs what the new events touch,
// running twice changes nothing, late events and refunds are picked up, and a full rebuild is the
// same recompute over every day.
import type { SiteDatabase } from "../schema/databases";
import { creditPurchases, DIMENSIONS, type RemovalEffects, type Touch } from "../models/attribution/credit";
import { convertMinor, rateTable, type RateTable } from "../core/money";
import { currencyDigits } from "../core/money";
import { DAY_MS, addDays, dayStart, daysBetween, localDay } from "../core/time";
import * as q from "../schema/queries/rollup";
import type { SiteScope } from "../schema/queries/scope";
import type { SiteRow } from "../schema/queries/sites";
import { allRates } from "../schema/queries/spend";
import { fitRemovalEffects, toTouch } from "./markov-fit";

/** Events are written by the queue consumer shortly after they are received; a run stops this far behind now. */
export const ROLLUP_SAFETY_MARGIN_MS = 10 * 60_000;

interface Context {
  db: SiteDatabase;
  scope: SiteScope;
  site: SiteRow;
  rates: RateTable;
  effects: RemovalEffects;
}

export async function rollupSite(db: SiteDatabase, site: SiteRow, now: number, options: { full?: boolean } = {}) {
  const scope = { siteId: site.id };
  const state = await q.getRollupState(db, scope);
  const upTo = now - ROLLUP_SAFETY_MARGIN_MS;
  const days = new Set<string>();
  let events = 0;
  if (options.full || !state) {
    const span = await q.eventSpan(db, scope);
    if (span?.first != null && span.last != null) {
      for (const d of daysBetween(localDay(span.first, site.timezone), localDay(span.last, site.timezone))) days.add(d);
    }
    await q.clearRollup(db, scope);
  } else {
    const fresh = await q.eventsReceivedBetween(db, scope, state.watermark, upTo);
    events = fresh.length;
    for (const d of await dirtyDays(db, scope, site, fresh)) days.add(d);
  }
  let effects = q.markovEffectsOf(state);
  if (!state?.markovFittedAt) {
    effects = await fitRemovalEffects(db, scope, now, site.lookbackDays);
    await q.saveRollupState(db, scope, { markovEffects: JSON.stringify(effects), markovFittedAt: now });
  }
  const ctx: Context = { db, scope, site, rates: rateTable(await allRates(db, scope)), effects };
  for (const day of [...days].sort()) await recomputeDay(ctx, day);
  await q.saveRollupState(db, scope, { watermark: upTo });
  return { days: days.size, events };
}

async function dirtyDays(db: SiteDatabase, scope: SiteScope, site: SiteRow, fresh: q.NewEvent[]): Promise<Set<string>> {
  const days = new Set(fresh.map((e) => localDay(e.ts, site.timezone)));
  const refunded = [...new Set(fresh.filter((e) => e.type === "refund" && e.order_id).map((e) => e.order_id!))];
  for (const p of await q.purchaseTimes(db, scope, refunded)) days.add(localDay(p.ts, site.timezone));
  // The latest new event of each buyer: a purchase within 90 days of the first one changes its LTV.
  const latest = new Map<string, number>();
  for (const e of fresh) {
    if (e.type === "purchase" || e.type === "refund")
      latest.set(e.customer, Math.max(latest.get(e.customer) ?? 0, e.ts));
  }
  for (const f of await q.firstPurchases(db, scope, [...latest.keys()])) {
    if (latest.get(f.customer)! - f.ts <= 90 * DAY_MS) days.add(localDay(f.ts, site.timezone));
  }
  return days;
}

function toReporting(
  ctx: Context,
  amountMinor: number,
  currency: string,
  ts: number,
  missing: Set<string>,
): number | null {
  const date = localDay(ts, ctx.site.timezone);
  const converted = convertMinor(amountMinor, currency, ctx.site.currency, date, ctx.rates, currencyDigits);
  if (converted === undefined) missing.add(`${currency}:${date}`);
  return converted ?? null;
}

/** Net value of each purchase (refunds subtracted; a refund without an amount refunds all). */
async function netValues(ctx: Context, purchases: q.PurchaseRow[], missing: Set<string>) {
  const refundsByOrder = new Map<string, Awaited<ReturnType<typeof q.refundsFor>>>();
  for (const r of await q.refundsFor(ctx.db, ctx.scope, [...new Set(purchases.map((p) => p.order_id))])) {
    refundsByOrder.set(r.order_id, [...(refundsByOrder.get(r.order_id) ?? []), r]);
  }
  const net = new Map<string, number | null>();
  const gross = new Map<string, number | null>();
  for (const p of purchases) {
    const grossMinor = toReporting(ctx, p.revenue_minor, p.currency, p.ts, missing);
    let refunded = 0;
    for (const r of refundsByOrder.get(p.order_id) ?? []) {
      refunded +=
        r.revenue_minor === null
          ? (grossMinor ?? 0)
          : (toReporting(ctx, r.revenue_minor, r.currency ?? p.currency, p.ts, missing) ?? 0);
    }
    net.set(p.id, grossMinor === null ? null : Math.max(0, grossMinor - refunded));
    gross.set(p.id, grossMinor);
  }
  return { net, gross };
}

async function recomputeDay(ctx: Context, day: string) {
  const { db, scope, site } = ctx;
  const start = dayStart(day, site.timezone);
  const end = dayStart(addDays(day, 1), site.timezone);
  const missing = new Set<string>();
  const purchases = await q.purchasesBetween(db, scope, start, end);
  const customers = [...new Set(purchases.map((p) => p.customer))];
  const first = new Map((await q.firstPurchases(db, scope, customers)).map((f) => [f.customer, f.ts]));
  const later = await q.purchasesBetween(
    db,
    scope,
    start,
    end + 90 * DAY_MS,
    customers.filter((c) => (first.get(c) ?? -1) >= start),
  );
  const dayIds = new Set(purchases.map((p) => p.id));
  const { net, gross } = await netValues(ctx, [...purchases, ...later.filter((l) => !dayIds.has(l.id))], missing);

  // Touchpoints: the sessions of every visitor of the customer (identities stitch users) in the lookback.
  const users = [...new Set(purchases.map((p) => p.user_id).filter((u): u is string => u !== null))];
  const linked = await q.visitorsOfUsers(db, scope, users);
  const visitors = [...new Set([...purchases.map((p) => p.visitor_id), ...linked.map((l) => l.visitor_id)])];
  const sessions = await q.sessionsOfVisitors(db, scope, visitors, start - site.lookbackDays * DAY_MS, end);
  const visitorsOf = (p: q.PurchaseRow) =>
    new Set([p.visitor_id, ...linked.filter((l) => l.user_id === p.user_id).map((l) => l.visitor_id)]);

  const credit = creditPurchases(
    purchases.map((p) => {
      const mine = visitorsOf(p);
      const touches: Touch[] = sessions
        .filter(
          (s) => mine.has(s.visitor_id) && s.started_at <= p.ts && s.started_at >= p.ts - site.lookbackDays * DAY_MS,
        )
        .sort((a, b) => a.started_at - b.started_at)
        .map(toTouch);
      const isNew = first.get(p.customer) === p.ts;
      const window = (days: number) =>
        later
          .filter((l) => l.customer === p.customer && l.ts >= p.ts && l.ts <= p.ts + days * DAY_MS)
          .reduce((n, l) => n + (net.get(l.id) ?? 0), 0);
      return {
        ts: p.ts,
        valueMinor: net.get(p.id) ?? null,
        grossMinor: gross.get(p.id) ?? null,
        isNew,
        ltv30Minor: isNew ? window(30) : 0,
        ltv90Minor: isNew ? window(90) : 0,
        touches,
      };
    }),
    ctx.effects,
    site.halfLifeDays,
  );

  const counts = await q.sessionCounts(db, scope, start, end);
  const rows = new Map<string, q.RollupRow>();
  const rowFor = (dimension: string, key: string) => {
    const id = `${dimension}\u0000${key}`;
    if (!rows.has(id)) rows.set(id, { day, dimension, key, sessions: 0, visitors: 0, attributed: {} });
    return rows.get(id)!;
  };
  for (const dimension of DIMENSIONS) {
    for (const c of counts[dimension])
      Object.assign(rowFor(dimension, c.key), { sessions: c.sessions, visitors: c.visitors });
  }
  for (const c of credit) {
    Object.assign(rowFor(c.dimension, c.key), {
      conversions: c.conversions,
      newCustomers: c.newCustomers,
      revenueMinor: c.revenueMinor,
      refundsMinor: c.refundsMinor,
      attributed: c.attributed,
    });
  }
  // A purchase whose currency has no rate is left out of the figures and named on every row of its day.
  const missingFx = missing.size ? [...missing].sort().join(",") : null;
  await q.replaceDay(
    db,
    scope,
    day,
    [...rows.values()].map((r) => ({ ...r, missingFx })),
  );
}
