// A site's goals (schema/analytics-tables.ts): CRUD, every query scoped by site.
import type { SiteDatabase } from "../databases";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { goals } from "../analytics-tables";
import type { SiteScope } from "./scope";

export type GoalRow = typeof goals.$inferSelect;

export async function insertGoal(d1: SiteDatabase, row: GoalRow): Promise<void> {
  await drizzle(d1).insert(goals).values(row);
}

export async function countGoals(d1: SiteDatabase, scope: SiteScope): Promise<number> {
  const [row] = await drizzle(d1).select({ n: count() }).from(goals).where(eq(goals.siteId, scope.siteId));
  return row?.n ?? 0;
}

/** Oldest first (a site has at most MAX_GOALS_PER_SITE). */
export async function listGoals(d1: SiteDatabase, scope: SiteScope): Promise<GoalRow[]> {
  return drizzle(d1)
    .select()
    .from(goals)
    .where(eq(goals.siteId, scope.siteId))
    .orderBy(asc(goals.createdAt), asc(goals.id));
}

export async function getGoal(d1: SiteDatabase, scope: SiteScope, id: string): Promise<GoalRow | undefined> {
  const [row] = await drizzle(d1)
    .select()
    .from(goals)
    .where(and(eq(goals.siteId, scope.siteId), eq(goals.id, id)));
  return row;
}

/** The goals of these ids that exist in the site (a funnel names at most 8). */
export async function getGoals(d1: SiteDatabase, scope: SiteScope, ids: string[]): Promise<GoalRow[]> {
  if (ids.length === 0) return [];
  return drizzle(d1)
    .select()
    .from(goals)
    .where(and(eq(goals.siteId, scope.siteId), inArray(goals.id, ids)));
}

export async function replaceGoal(
  d1: SiteDatabase,
  scope: SiteScope,
  id: string,
  patch: Pick<GoalRow, "name" | "definition" | "updatedAt">,
): Promise<GoalRow | undefined> {
  const [row] = await drizzle(d1)
    .update(goals)
    .set(patch)
    .where(and(eq(goals.siteId, scope.siteId), eq(goals.id, id)))
    .returning();
  return row;
}

export async function deleteGoal(d1: SiteDatabase, scope: SiteScope, id: string): Promise<boolean> {
  const rows = await drizzle(d1)
    .delete(goals)
    .where(and(eq(goals.siteId, scope.siteId), eq(goals.id, id)))
    .returning({ id: goals.id });
  return rows.length > 0;
}
