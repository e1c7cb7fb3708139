// Read-only share links of a site, found by the SHA-256 of their token. No cache: a revoked link
// stops working on the next request.
import type { ControlDatabase } from "../databases";
import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { shareLinks } from "../account-tables";
import type { SiteScope } from "./scope";

export type ShareLinkRow = typeof shareLinks.$inferSelect;

export async function insertShareLink(d1: ControlDatabase, row: typeof shareLinks.$inferInsert): Promise<void> {
  await drizzle(d1).insert(shareLinks).values(row);
}

export async function listShareLinks(d1: ControlDatabase, scope: SiteScope): Promise<ShareLinkRow[]> {
  return drizzle(d1)
    .select()
    .from(shareLinks)
    .where(eq(shareLinks.siteId, scope.siteId))
    .orderBy(desc(shareLinks.createdAt));
}

/** False when the link is not an unrevoked link of this site. */
export async function revokeShareLink(
  d1: ControlDatabase,
  scope: SiteScope,
  id: string,
  now: number,
): Promise<boolean> {
  const rows = await drizzle(d1)
    .update(shareLinks)
    .set({ revokedAt: now })
    .where(and(eq(shareLinks.siteId, scope.siteId), eq(shareLinks.id, id), isNull(shareLinks.revokedAt)))
    .returning({ id: shareLinks.id });
  return rows.length > 0;
}

/** The live (unrevoked, unexpired) link with this token hash. */
export async function liveShareLink(d1: ControlDatabase, tokenHash: string, now: number) {
  const [row] = await drizzle(d1)
    .select()
    .from(shareLinks)
    .where(
      and(
        eq(shareLinks.tokenHash, tokenHash),
        isNull(shareLinks.revokedAt),
        or(isNull(shareLinks.expiresAt), gt(shareLinks.expiresAt, now)),
      ),
    )
    .limit(1);
  return row;
}
