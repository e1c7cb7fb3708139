// The send log and unsubscribes. Claiming a send is one statement that only one caller can win,
// so overlapping cron runs and retries never deliver the same (list, period, recipient) twice.
import type { SiteDatabase } from "../databases";
import { and, asc, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { alertRules, mailSends, reportSubscriptions } from "../tables";
import type { SiteScope } from "./scope";

export type SubscriptionRow = typeof reportSubscriptions.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;
export type SendRow = typeof mailSends.$inferSelect;

/** A send stuck in "sending" this long (a crashed run) may be claimed again. */
export const SEND_LEASE_MS = 10 * 60_000;
export const MAX_SEND_ATTEMPTS = 4;
/** 15, 30, 60 minutes between attempts. */
export const retryDelayMs = (attempts: number) => 15 * 60_000 * 2 ** (attempts - 1);

export interface SendKey {
  listId: string;
  period: string;
  recipient: string;
}

/** True when this caller now owns the send: a new row, a failure due for retry, or an expired lease. */
export async function claimSend(db: SiteDatabase, scope: SiteScope, k: SendKey, now: number): Promise<boolean> {
  const inserted = await db
    .prepare(
      "INSERT INTO mail_sends (site_id, list_id, period, recipient, status, attempts, claimed_at) " +
        "VALUES (?1, ?2, ?3, ?4, 'sending', 1, ?5) ON CONFLICT DO NOTHING",
    )
    .bind(scope.siteId, k.listId, k.period, k.recipient, now)
    .run();
  if ((inserted.meta.changes ?? 0) > 0) return true;
  const reclaimed = await db
    .prepare(
      "UPDATE mail_sends SET status = 'sending', attempts = attempts + 1, claimed_at = ?5 " +
        "WHERE site_id = ?1 AND list_id = ?2 AND period = ?3 AND recipient = ?4 AND " +
        "((status = 'failed' AND next_attempt_at <= ?5) OR (status = 'sending' AND claimed_at < ?6))",
    )
    .bind(scope.siteId, k.listId, k.period, k.recipient, now, now - SEND_LEASE_MS)
    .run();
  return (reclaimed.meta.changes ?? 0) > 0;
}

export async function markSent(db: SiteDatabase, scope: SiteScope, k: SendKey, messageId: string, now: number) {
  await db
    .prepare(
      "UPDATE mail_sends SET status = 'sent', sent_at = ?5, message_id = ?6, last_error = NULL " +
        "WHERE site_id = ?1 AND list_id = ?2 AND period = ?3 AND recipient = ?4",
    )
    .bind(scope.siteId, k.listId, k.period, k.recipient, now, messageId)
    .run();
}

/** A failed attempt: retried later with backoff, or `dead` after MAX_SEND_ATTEMPTS. */
export async function markFailed(db: SiteDatabase, scope: SiteScope, k: SendKey, error: string, now: number) {
  await db
    .prepare(
      "UPDATE mail_sends SET status = CASE WHEN attempts >= ?6 THEN 'dead' ELSE 'failed' END, " +
        "next_attempt_at = ?5 + 900000 * (1 << (attempts - 1)), last_error = ?7 " +
        "WHERE site_id = ?1 AND list_id = ?2 AND period = ?3 AND recipient = ?4",
    )
    .bind(scope.siteId, k.listId, k.period, k.recipient, now, MAX_SEND_ATTEMPTS, error.slice(0, 500))
    .run();
}

/** Failed sends due for another attempt, across sites. */
export async function sendsDueForRetry(db: SiteDatabase, now: number) {
  const { results } = await db
    .prepare(
      "SELECT site_id, list_id, period, recipient FROM mail_sends WHERE status = 'failed' AND next_attempt_at <= ?1 LIMIT 500",
    )
    .bind(now)
    .all<{ site_id: string; list_id: string; period: string; recipient: string }>();
  return results;
}

export async function sendsOf(d1: SiteDatabase, scope: SiteScope, listId: string) {
  return drizzle(d1)
    .select()
    .from(mailSends)
    .where(and(eq(mailSends.siteId, scope.siteId), eq(mailSends.listId, listId)))
    .orderBy(desc(mailSends.claimedAt), asc(mailSends.recipient))
    .limit(200);
}

export async function unsubscribedFrom(db: SiteDatabase, scope: SiteScope, listId: string): Promise<Set<string>> {
  const { results } = await db
    .prepare("SELECT email FROM mail_unsubscribes WHERE site_id = ?1 AND list_id = ?2")
    .bind(scope.siteId, listId)
    .all<{ email: string }>();
  return new Set(results.map((r) => r.email));
}

export async function unsubscribe(db: SiteDatabase, scope: SiteScope, listId: string, email: string, now: number) {
  await db
    .prepare(
      "INSERT INTO mail_unsubscribes (site_id, list_id, email, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
    )
    .bind(scope.siteId, listId, email.toLowerCase(), now)
    .run();
}

export async function activeSubscriptions(d1: SiteDatabase): Promise<SubscriptionRow[]> {
  return drizzle(d1).select().from(reportSubscriptions).where(eq(reportSubscriptions.active, true));
}

export async function activeAlertRules(d1: SiteDatabase): Promise<AlertRuleRow[]> {
  return drizzle(d1).select().from(alertRules).where(eq(alertRules.active, true));
}
