// Payment providers of a site and what their notifications named: configuration, delivery counts,
// processed notification ids, and payment refs (order, learner, purchase event, refunded total).
import { type DatabaseEnv, readEachDatabase, type SiteDatabase } from "../databases";
import { and, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { PaymentProvider, WebhookOutcome } from "../../models/payments/types";
import { paymentProviders, paymentRefs, paymentWebhookCounts } from "../payment-tables";
import type { SiteScope } from "./scope";

export type PaymentProviderRow = typeof paymentProviders.$inferSelect;
export type PaymentRefRow = typeof paymentRefs.$inferSelect;
export type WebhookCountRow = typeof paymentWebhookCounts.$inferSelect;

/** Creates or replaces a site's configuration of one provider. */
export async function savePaymentProvider(d1: SiteDatabase, row: PaymentProviderRow): Promise<void> {
  const { siteId, provider, ...rest } = row;
  await drizzle(d1)
    .insert(paymentProviders)
    .values(row)
    .onConflictDoUpdate({
      target: [paymentProviders.siteId, paymentProviders.provider],
      set: { tokenHash: rest.tokenHash, sealed: rest.sealed, account: rest.account, updatedAt: rest.updatedAt },
    });
}

export async function paymentProviderOf(d1: SiteDatabase, scope: SiteScope, provider: PaymentProvider) {
  const [row] = await drizzle(d1)
    .select()
    .from(paymentProviders)
    .where(and(eq(paymentProviders.siteId, scope.siteId), eq(paymentProviders.provider, provider)));
  return row;
}

export async function listPaymentProviders(d1: SiteDatabase, scope: SiteScope) {
  const db = drizzle(d1);
  const rows = await db.select().from(paymentProviders).where(eq(paymentProviders.siteId, scope.siteId));
  const counts = await db.select().from(paymentWebhookCounts).where(eq(paymentWebhookCounts.siteId, scope.siteId));
  return rows
    .sort((a, b) => a.provider.localeCompare(b.provider))
    .map((row) => ({ row, counts: counts.filter((c) => c.provider === row.provider) }));
}

/** Removes the configuration and its counts; false when there was none. */
export async function deletePaymentProvider(d1: SiteDatabase, scope: SiteScope, provider: PaymentProvider) {
  const db = drizzle(d1);
  const site = eq(paymentProviders.siteId, scope.siteId);
  const [deleted] = await db.batch([
    db
      .delete(paymentProviders)
      .where(and(site, eq(paymentProviders.provider, provider)))
      .returning({ provider: paymentProviders.provider }),
    db
      .delete(paymentWebhookCounts)
      .where(and(eq(paymentWebhookCounts.siteId, scope.siteId), eq(paymentWebhookCounts.provider, provider))),
  ]);
  return deleted.length > 0;
}

/** The configuration a webhook URL's token names (by its hash), whatever the site. */
/** The provider configuration of a webhook URL's token, in whichever site database holds it. */
export async function paymentProviderByTokenHash(env: DatabaseEnv, tokenHash: string) {
  const read = (d1: SiteDatabase) =>
    drizzle(d1).select().from(paymentProviders).where(eq(paymentProviders.tokenHash, tokenHash));
  const [row] = await readEachDatabase(env, read, (r) => r.siteId);
  return row;
}

/** Counts one delivery's outcome, keeping its time and reason. */
export async function countWebhookOutcome(
  d1: SiteDatabase,
  scope: SiteScope,
  provider: PaymentProvider,
  outcome: WebhookOutcome,
  at: number,
  message: string | null,
): Promise<void> {
  await d1
    .prepare(
      `INSERT INTO payment_webhook_counts (site_id, provider, outcome, count, last_at, last_message)
       VALUES (?1, ?2, ?3, 1, ?4, ?5)
       ON CONFLICT (site_id, provider, outcome) DO UPDATE SET
         count = count + 1, last_at = excluded.last_at, last_message = excluded.last_message`,
    )
    .bind(scope.siteId, provider, outcome, at, message?.slice(0, 500) ?? null)
    .run();
}

export async function notificationSeen(d1: SiteDatabase, scope: SiteScope, provider: PaymentProvider, id: string) {
  const row = await d1
    .prepare(
      "SELECT 1 AS seen FROM payment_notifications WHERE site_id = ?1 AND provider = ?2 AND notification_id = ?3",
    )
    .bind(scope.siteId, provider, id)
    .first();
  return row !== null;
}

export function recordNotificationStatement(
  d1: SiteDatabase,
  scope: SiteScope,
  provider: PaymentProvider,
  id: string,
  at: number,
): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO payment_notifications (site_id, provider, notification_id, received_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT DO NOTHING`,
    )
    .bind(scope.siteId, provider, id, at);
}

/** Stored refs among `refs`, in the order asked. */
export async function paymentRefsOf(
  d1: SiteDatabase,
  scope: SiteScope,
  provider: PaymentProvider,
  refs: string[],
): Promise<PaymentRefRow[]> {
  if (refs.length === 0) return [];
  const rows = await drizzle(d1)
    .select()
    .from(paymentRefs)
    .where(
      and(eq(paymentRefs.siteId, scope.siteId), eq(paymentRefs.provider, provider), inArray(paymentRefs.ref, refs)),
    );
  return refs.map((r) => rows.find((row) => row.ref === r)).filter((row): row is PaymentRefRow => !!row);
}

export interface RefWrite {
  ref: string;
  orderId: string | null;
  userId: string | null;
  visitorId: string | null;
  currency: string | null;
  purchaseEventId: string | null;
}

/**
 * Upserts refs. What a ref first led to stays (the first purchase of a payment wins, as its event
 * does); the learner of a customer or subscription follows their latest payment.
 */
export function saveRefsStatements(
  d1: SiteDatabase,
  scope: SiteScope,
  provider: PaymentProvider,
  refs: RefWrite[],
  at: number,
  { latestLearner }: { latestLearner: boolean },
): D1PreparedStatement[] {
  const learner = latestLearner
    ? `user_id = excluded.user_id, visitor_id = excluded.visitor_id`
    : `user_id = coalesce(payment_refs.user_id, excluded.user_id),
       visitor_id = coalesce(payment_refs.visitor_id, excluded.visitor_id)`;
  return refs.map((r) =>
    d1
      .prepare(
        `INSERT INTO payment_refs
           (site_id, provider, ref, order_id, user_id, visitor_id, currency, purchase_event_id, refunded_minor, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)
         ON CONFLICT (site_id, provider, ref) DO UPDATE SET
           order_id = coalesce(payment_refs.order_id, excluded.order_id),
           ${learner},
           currency = coalesce(payment_refs.currency, excluded.currency),
           purchase_event_id = coalesce(payment_refs.purchase_event_id, excluded.purchase_event_id),
           updated_at = excluded.updated_at`,
      )
      .bind(scope.siteId, provider, r.ref, r.orderId, r.userId, r.visitorId, r.currency, r.purchaseEventId, at),
  );
}

/**
 * Raises a payment's refunded total to `total` (never lowers it) and returns what it was before,
 * read in the same transaction: two deliveries racing see distinct increments.
 */
export async function raiseRefundedTotal(
  d1: SiteDatabase,
  scope: SiteScope,
  provider: PaymentProvider,
  ref: RefWrite,
  total: number,
  at: number,
): Promise<number> {
  const [before] = await d1.batch<{ refunded_minor: number }>([
    d1
      .prepare("SELECT refunded_minor FROM payment_refs WHERE site_id = ?1 AND provider = ?2 AND ref = ?3")
      .bind(scope.siteId, provider, ref.ref),
    d1
      .prepare(
        `INSERT INTO payment_refs
           (site_id, provider, ref, order_id, user_id, visitor_id, currency, purchase_event_id, refunded_minor, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, ?9)
         ON CONFLICT (site_id, provider, ref) DO UPDATE SET
           refunded_minor = max(payment_refs.refunded_minor, excluded.refunded_minor),
           order_id = coalesce(payment_refs.order_id, excluded.order_id),
           updated_at = excluded.updated_at`,
      )
      .bind(scope.siteId, provider, ref.ref, ref.orderId, ref.userId, ref.visitorId, ref.currency, total, at),
  ]);
  return before?.results[0]?.refunded_minor ?? 0;
}

/** Undoes raiseRefundedTotal when the refund could not be queued, unless another delivery raised it since. */
export async function lowerRefundedTotal(
  d1: SiteDatabase,
  scope: SiteScope,
  provider: PaymentProvider,
  ref: string,
  from: number,
  to: number,
): Promise<void> {
  await d1
    .prepare(
      "UPDATE payment_refs SET refunded_minor = ?5 WHERE site_id = ?1 AND provider = ?2 AND ref = ?3 AND refunded_minor = ?4",
    )
    .bind(scope.siteId, provider, ref, from, to)
    .run();
}
