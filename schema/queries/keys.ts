import type { ControlDatabase } from "../databases";
import { and, desc, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { apiKeys } from "../tables";
import type { SiteScope } from "./scope";

export async function findActiveKeyByHash(d1: ControlDatabase, hash: string) {
  const db = drizzle(d1);
  const [row] = await db
    .select({ id: apiKeys.id, siteId: apiKeys.siteId, scopes: apiKeys.scopes, partnerId: apiKeys.partnerId })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row;
}

export async function insertKey(d1: ControlDatabase, row: typeof apiKeys.$inferInsert) {
  await drizzle(d1).insert(apiKeys).values(row);
}

const publicColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
};

export async function listKeys(d1: ControlDatabase, scope: SiteScope) {
  return drizzle(d1)
    .select(publicColumns)
    .from(apiKeys)
    .where(eq(apiKeys.siteId, scope.siteId))
    .orderBy(desc(apiKeys.createdAt));
}

/** Returns false when the key does not exist in this site (another site's key is never touched). */
export async function revokeKey(d1: ControlDatabase, scope: SiteScope, keyId: string, at: number): Promise<boolean> {
  const result = await drizzle(d1)
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.siteId, scope.siteId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return result.length > 0;
}
