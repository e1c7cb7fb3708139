// Report subscriptions and alert rules: what the report jobs send, to whom and when. The send log
// and unsubscribes are in mail.ts. Every query is scoped by site.
import type { SiteDatabase } from "../databases";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { alertRules, reportSubscriptions } from "../tables";
import type { AlertRuleRow, SubscriptionRow } from "./mail";
import type { SiteScope } from "./scope";

export type SubscriptionPatch = Partial<Omit<SubscriptionRow, "siteId" | "id" | "createdAt">>;

export async function insertSubscription(d1: SiteDatabase, row: SubscriptionRow): Promise<void> {
  await drizzle(d1).insert(reportSubscriptions).values(row);
}

export async function listSubscriptions(d1: SiteDatabase, scope: SiteScope): Promise<SubscriptionRow[]> {
  return drizzle(d1).select().from(reportSubscriptions).where(eq(reportSubscriptions.siteId, scope.siteId));
}

export async function getSubscription(d1: SiteDatabase, scope: SiteScope, id: string) {
  const [row] = await drizzle(d1)
    .select()
    .from(reportSubscriptions)
    .where(and(eq(reportSubscriptions.siteId, scope.siteId), eq(reportSubscriptions.id, id)));
  return row;
}

export async function updateSubscription(d1: SiteDatabase, scope: SiteScope, id: string, patch: SubscriptionPatch) {
  const [row] = await drizzle(d1)
    .update(reportSubscriptions)
    .set(patch)
    .where(and(eq(reportSubscriptions.siteId, scope.siteId), eq(reportSubscriptions.id, id)))
    .returning();
  return row;
}

export async function deleteSubscription(d1: SiteDatabase, scope: SiteScope, id: string): Promise<void> {
  await drizzle(d1)
    .delete(reportSubscriptions)
    .where(and(eq(reportSubscriptions.siteId, scope.siteId), eq(reportSubscriptions.id, id)));
}

export async function insertAlertRule(d1: SiteDatabase, row: AlertRuleRow): Promise<void> {
  await drizzle(d1).insert(alertRules).values(row);
}

export async function listAlertRules(d1: SiteDatabase, scope: SiteScope): Promise<AlertRuleRow[]> {
  return drizzle(d1).select().from(alertRules).where(eq(alertRules.siteId, scope.siteId));
}

export async function getAlertRule(d1: SiteDatabase, scope: SiteScope, id: string) {
  const [row] = await drizzle(d1)
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.siteId, scope.siteId), eq(alertRules.id, id)));
  return row;
}

export async function deleteAlertRule(d1: SiteDatabase, scope: SiteScope, id: string): Promise<void> {
  await drizzle(d1)
    .delete(alertRules)
    .where(and(eq(alertRules.siteId, scope.siteId), eq(alertRules.id, id)));
}

export type AlertRulePatch = Partial<Omit<AlertRuleRow, "siteId" | "id" | "createdAt">>;

export async function updateAlertRule(d1: SiteDatabase, scope: SiteScope, id: string, patch: AlertRulePatch) {
  const [row] = await drizzle(d1)
    .update(alertRules)
    .set(patch)
    .where(and(eq(alertRules.siteId, scope.siteId), eq(alertRules.id, id)))
    .returning();
  return row;
}
