// Partners, their program settings, referral links and clicks. Every query is scoped by site; id lists
// travel as one JSON parameter (json_each), so no list can exceed D1's bound-parameter limit.
import { allSiteDatabases, type DatabaseEnv, readEachDatabase, type SiteDatabase, siteDatabase } from "../databases";
import { and, asc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { commissionRules, partnerClicks, partnerLinks, partnerPrograms, partners } from "../tables";
import type { Rule } from "../../models/partners/commission";
import { inChunks } from "../limits";
import type { SiteScope } from "./scope";

export type ProgramRow = typeof partnerPrograms.$inferSelect;
export type PartnerRow = typeof partners.$inferSelect;
export type RuleRow = typeof commissionRules.$inferSelect;

export const DEFAULT_PROGRAM: Omit<ProgramRow, "siteId" | "updatedAt"> = {
  binding: "last",
  bindingDays: 365,
  cookieDays: 30,
  levels: 1,
  holdingDays: 30,
  payoutMinimumMinor: 0,
  scoreWeights: {},
};

export async function getProgram(d1: SiteDatabase, scope: SiteScope): Promise<ProgramRow> {
  const [row] = await drizzle(d1).select().from(partnerPrograms).where(eq(partnerPrograms.siteId, scope.siteId));
  return row ?? { siteId: scope.siteId, updatedAt: 0, ...DEFAULT_PROGRAM };
}

export async function saveProgram(d1: SiteDatabase, row: ProgramRow): Promise<void> {
  const { siteId: _site, ...rest } = row;
  await drizzle(d1)
    .insert(partnerPrograms)
    .values(row)
    .onConflictDoUpdate({ target: partnerPrograms.siteId, set: rest });
}

export async function getPartner(d1: SiteDatabase, scope: SiteScope, id: string): Promise<PartnerRow | undefined> {
  const [row] = await drizzle(d1)
    .select()
    .from(partners)
    .where(and(eq(partners.siteId, scope.siteId), eq(partners.id, id)));
  return row;
}

export async function listPartners(d1: SiteDatabase, scope: SiteScope): Promise<PartnerRow[]> {
  return drizzle(d1).select().from(partners).where(eq(partners.siteId, scope.siteId)).orderBy(asc(partners.createdAt));
}

export async function partnersByIds(d1: SiteDatabase, scope: SiteScope, ids: string[]): Promise<PartnerRow[]> {
  return inChunks(ids, (json) =>
    drizzle(d1)
      .select()
      .from(partners)
      .where(and(eq(partners.siteId, scope.siteId), sql`${partners.id} IN (SELECT value FROM json_each(${json}))`)),
  );
}

export async function hasPartners(d1: SiteDatabase, scope: SiteScope): Promise<boolean> {
  const [row] = await drizzle(d1)
    .select({ n: sql<number>`1` })
    .from(partners)
    .where(eq(partners.siteId, scope.siteId))
    .limit(1);
  return row !== undefined;
}

/**
 * Whether another site database holds this code. A code is a deployment-wide key (/r/:code names no
 * site) and each database's primary key guards only its own rows, so inserts look in the others
 * first. Two sites in different databases racing for one new code within milliseconds could both
 * win; codes are random unless a partner picks one, so that is accepted.
 */
async function codeTakenElsewhere(env: DatabaseEnv, own: SiteDatabase, code: string): Promise<boolean> {
  for (const d1 of allSiteDatabases(env)) if (d1 !== own && (await linkIn(d1, code))) return true;
  return false;
}

/** Inserts the partner and its default link in one transaction; false when the code is taken. */
export async function insertPartner(env: DatabaseEnv, row: PartnerRow, targetUrl: string): Promise<boolean> {
  const d1 = siteDatabase(env, row.siteId);
  if (await codeTakenElsewhere(env, d1, row.code)) return false;
  const db = drizzle(d1);
  try {
    await db.batch([
      db.insert(partnerLinks).values({
        code: row.code,
        siteId: row.siteId,
        partnerId: row.id,
        targetUrl,
        createdAt: row.createdAt,
      }),
      db.insert(partners).values(row),
    ]);
    return true;
  } catch (err) {
    if (/UNIQUE|PRIMARY KEY/i.test(String(err))) return false;
    throw err;
  }
}

export async function updatePartner(
  d1: SiteDatabase,
  scope: SiteScope,
  id: string,
  patch: Partial<Omit<PartnerRow, "siteId" | "id" | "code" | "createdAt">>,
): Promise<PartnerRow | undefined> {
  const [row] = await drizzle(d1)
    .update(partners)
    .set(patch)
    .where(and(eq(partners.siteId, scope.siteId), eq(partners.id, id)))
    .returning();
  return row;
}

export async function insertLink(env: DatabaseEnv, row: typeof partnerLinks.$inferInsert): Promise<boolean> {
  const d1 = siteDatabase(env, row.siteId);
  if (await codeTakenElsewhere(env, d1, row.code)) return false;
  try {
    await drizzle(d1).insert(partnerLinks).values(row);
    return true;
  } catch (err) {
    if (/UNIQUE|PRIMARY KEY/i.test(String(err))) return false;
    throw err;
  }
}

export async function linksOf(d1: SiteDatabase, scope: SiteScope, partnerId: string) {
  return drizzle(d1)
    .select()
    .from(partnerLinks)
    .where(and(eq(partnerLinks.siteId, scope.siteId), eq(partnerLinks.partnerId, partnerId)))
    .orderBy(asc(partnerLinks.createdAt));
}

/** A code across the deployment (for /r/:code, which names no site), with its partner's status. */
/** A referral code's link, in whichever site database holds it (codes are random, so unique in practice). */
export async function linkByCode(env: DatabaseEnv, code: string) {
  const [row] = await readEachDatabase(
    env,
    async (d1) => [await linkIn(d1, code)].filter((r) => r !== undefined),
    (r) => r.siteId,
  );
  return row;
}

async function linkIn(d1: SiteDatabase, code: string) {
  const [row] = await drizzle(d1)
    .select({
      code: partnerLinks.code,
      siteId: partnerLinks.siteId,
      partnerId: partnerLinks.partnerId,
      targetUrl: partnerLinks.targetUrl,
      status: partners.status,
    })
    .from(partnerLinks)
    .innerJoin(partners, and(eq(partners.siteId, partnerLinks.siteId), eq(partners.id, partnerLinks.partnerId)))
    .where(eq(partnerLinks.code, code.toLowerCase()))
    .limit(1);
  return row;
}

/** Partners (with status and group) behind these codes, within one site. */
export async function partnersByCodes(d1: SiteDatabase, scope: SiteScope, codes: string[]) {
  return inChunks(codes, (json) =>
    drizzle(d1)
      .select({ code: partnerLinks.code, partner: partners })
      .from(partnerLinks)
      .innerJoin(partners, and(eq(partners.siteId, partnerLinks.siteId), eq(partners.id, partnerLinks.partnerId)))
      .where(
        and(eq(partnerLinks.siteId, scope.siteId), sql`${partnerLinks.code} IN (SELECT value FROM json_each(${json}))`),
      ),
  );
}

/** Click breakdowns; the SQL expression comes from this constant map, never from input. */
export const CLICK_GROUPS = {
  day: "date(ts / 1000, 'unixepoch')",
  code: "code",
  country: "coalesce(country, '(unknown)')",
  device: "device",
  referrer: "coalesce(referrer_host, '(direct)')",
} as const;

export async function clickBreakdown(
  db: SiteDatabase,
  scope: SiteScope,
  partnerId: string,
  since: number,
  groupBy: keyof typeof CLICK_GROUPS,
) {
  const { results } = await db
    .prepare(
      `SELECT ${CLICK_GROUPS[groupBy]} AS key, count(*) AS clicks, count(DISTINCT visitor_id) AS visitors ` +
        "FROM partner_clicks WHERE site_id = ?1 AND partner_id = ?2 AND ts >= ?3 GROUP BY key ORDER BY " +
        (groupBy === "day" ? "key" : "clicks DESC, key"),
    )
    .bind(scope.siteId, partnerId, since)
    .all<{ key: string; clicks: number; visitors: number }>();
  return results;
}

export async function insertClick(d1: SiteDatabase, row: typeof partnerClicks.$inferInsert): Promise<void> {
  await drizzle(d1).insert(partnerClicks).values(row).onConflictDoNothing();
}

export async function listRules(d1: SiteDatabase, scope: SiteScope): Promise<RuleRow[]> {
  return drizzle(d1)
    .select()
    .from(commissionRules)
    .where(eq(commissionRules.siteId, scope.siteId))
    .orderBy(asc(commissionRules.createdAt));
}

export async function insertRule(d1: SiteDatabase, row: RuleRow): Promise<void> {
  await drizzle(d1).insert(commissionRules).values(row);
}

export async function updateRule(d1: SiteDatabase, scope: SiteScope, id: string, patch: Partial<RuleRow>) {
  const [row] = await drizzle(d1)
    .update(commissionRules)
    .set(patch)
    .where(and(eq(commissionRules.siteId, scope.siteId), eq(commissionRules.id, id)))
    .returning();
  return row;
}

/** A stored rule as the commission model reads it. */
export function ruleFromRow(row: RuleRow): Rule {
  return {
    id: row.id,
    partnerId: row.partnerId,
    partnerGroup: row.partnerGroup,
    basis: row.basis,
    level: row.level,
    kind: row.kind,
    rateBps: row.rateBps,
    flatMinor: row.flatMinor,
    itemId: row.itemId,
    category: row.category,
    tiers: row.tiers,
    recurringMonths: row.recurringMonths,
    holdingDays: row.holdingDays,
  };
}
