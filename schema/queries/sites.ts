import type { ControlDatabase } from "../databases";
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { sites } from "../tables";
import type { SiteScope } from "./scope";

export type SiteRow = typeof sites.$inferSelect;

export async function insertSite(d1: ControlDatabase, row: typeof sites.$inferInsert) {
  await drizzle(d1).insert(sites).values(row);
}

export async function getSite(d1: ControlDatabase, scope: SiteScope): Promise<SiteRow | undefined> {
  const [row] = await drizzle(d1).select().from(sites).where(eq(sites.id, scope.siteId)).limit(1);
  return row;
}

export async function listSites(d1: ControlDatabase): Promise<SiteRow[]> {
  return drizzle(d1).select().from(sites).orderBy(asc(sites.createdAt));
}

export async function updateSite(
  d1: ControlDatabase,
  scope: SiteScope,
  patch: Partial<Omit<typeof sites.$inferInsert, "id" | "publicKey" | "createdAt">>,
): Promise<SiteRow | undefined> {
  const [row] = await drizzle(d1).update(sites).set(patch).where(eq(sites.id, scope.siteId)).returning();
  return row;
}

/**
 * Site settings the capture path needs, by public key, cached per isolate for a minute. Unknown keys
 * are cached too (a stale snippet of a deleted site keeps posting), but the cache holds at most
 * SITE_CACHE_MAX keys, least recently used first out, so random keys cannot grow it.
 */
export const SITE_CACHE_TTL_MS = 60_000;
export const SITE_CACHE_MAX = 1000;
const byPublicKey = new Map<string, { site: SiteRow | null; expires: number }>();

/** How many public keys this isolate holds (tests check the bound). */
export const siteCacheSize = (): number => byPublicKey.size;

export async function siteByPublicKey(d1: ControlDatabase, publicKey: string): Promise<SiteRow | null> {
  const now = Date.now();
  const hit = byPublicKey.get(publicKey);
  if (hit) {
    byPublicKey.delete(publicKey); // re-inserted below: Map order is recency order
    if (hit.expires > now) {
      byPublicKey.set(publicKey, hit);
      return hit.site;
    }
  }
  const [row] = await drizzle(d1).select().from(sites).where(eq(sites.publicKey, publicKey)).limit(1);
  byPublicKey.set(publicKey, { site: row ?? null, expires: now + SITE_CACHE_TTL_MS });
  while (byPublicKey.size > SITE_CACHE_MAX) byPublicKey.delete(byPublicKey.keys().next().value!);
  return row ?? null;
}

export function clearSiteCache(): void {
  byPublicKey.clear();
}
