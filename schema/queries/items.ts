// The course catalog of a site. Bulk writes go as one JSON parameter (json_each), chunked by bytes.
import type { SiteDatabase } from "../databases";
import { and, asc, eq, gt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { chunkByJsonBytes, inChunks, JSON_PARAM_BUDGET_BYTES } from "../limits";
import { items } from "../tables";
import type { SiteScope } from "./scope";

export type ItemRow = typeof items.$inferSelect;

const UPSERT_ITEMS =
  "INSERT INTO items (site_id, id, title, category, tags, price_minor, currency, creator_partner_id, published, created_at, updated_at) " +
  "SELECT ?1, json_extract(j.value, '$.id'), json_extract(j.value, '$.title'), json_extract(j.value, '$.category'), " +
  "json_extract(j.value, '$.tags'), json_extract(j.value, '$.priceMinor'), json_extract(j.value, '$.currency'), " +
  "json_extract(j.value, '$.creatorPartnerId'), json_extract(j.value, '$.published'), json_extract(j.value, '$.createdAt'), ?3 " +
  "FROM json_each(?2) AS j WHERE true ON CONFLICT (site_id, id) DO UPDATE SET title = excluded.title, " +
  "category = excluded.category, tags = excluded.tags, price_minor = excluded.price_minor, currency = excluded.currency, " +
  "creator_partner_id = excluded.creator_partner_id, published = excluded.published, updated_at = excluded.updated_at";

export type ItemInput = Omit<ItemRow, "siteId" | "updatedAt" | "published"> & { published: 0 | 1 };

export async function upsertItems(db: SiteDatabase, scope: SiteScope, rows: ItemInput[], now: number): Promise<void> {
  // tags travel as their JSON text, so json_extract stores exactly what drizzle's json mode would write.
  const stored = rows.map((r) => ({ ...r, tags: JSON.stringify(r.tags) }));
  const statements = chunkByJsonBytes(stored, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
    db.prepare(UPSERT_ITEMS).bind(scope.siteId, JSON.stringify(chunk), now),
  );
  if (statements.length > 0) await db.batch(statements);
}

export async function getItem(d1: SiteDatabase, scope: SiteScope, id: string): Promise<ItemRow | undefined> {
  const [row] = await drizzle(d1)
    .select()
    .from(items)
    .where(and(eq(items.siteId, scope.siteId), eq(items.id, id)));
  return row;
}

export async function listItems(d1: SiteDatabase, scope: SiteScope, after: string, limit: number): Promise<ItemRow[]> {
  return drizzle(d1)
    .select()
    .from(items)
    .where(and(eq(items.siteId, scope.siteId), gt(items.id, after)))
    .orderBy(asc(items.id))
    .limit(limit);
}

/**
 * Category, creator and price of these items, for commission rules and purchase propensity.
 * Unknown ids are simply absent.
 */
export async function catalogOf(db: SiteDatabase, scope: SiteScope, ids: readonly string[]) {
  const rows = await inChunks([...new Set(ids)], async (json) => {
    const { results } = await db
      .prepare(
        "SELECT id, category, creator_partner_id, price_minor, currency FROM items " +
          "WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))",
      )
      .bind(scope.siteId, json)
      .all<{
        id: string;
        category: string | null;
        creator_partner_id: string | null;
        price_minor: number | null;
        currency: string | null;
      }>();
    return results;
  });
  return new Map(
    rows.map((r) => [
      r.id,
      { category: r.category, creatorPartnerId: r.creator_partner_id, priceMinor: r.price_minor, currency: r.currency },
    ]),
  );
}

export interface CatalogEntry {
  id: string;
  category: string | null;
  priceMinor: number | null;
  currency: string | null;
  published: boolean;
}

/** The whole catalog, newest first: what the recommenders may score and show. */
export async function siteCatalog(db: SiteDatabase, scope: SiteScope): Promise<CatalogEntry[]> {
  const { results } = await db
    .prepare(
      "SELECT id, category, price_minor AS priceMinor, currency, published FROM items WHERE site_id = ?1 " +
        "ORDER BY created_at DESC, id",
    )
    .bind(scope.siteId)
    .all<Omit<CatalogEntry, "published"> & { published: number }>();
  return results.map((r) => ({ ...r, published: r.published === 1 }));
}

/** Whether any event received since `since` names an item (in `items` or props.item_id): worth retraining for. */
export async function hasNewItemSignals(db: SiteDatabase, scope: SiteScope, since: number): Promise<boolean> {
  const row = await db
    .prepare(
      "SELECT 1 FROM events WHERE site_id = ?1 AND received_at >= ?2 " +
        "AND (items IS NOT NULL OR json_extract(props, '$.item_id') IS NOT NULL) LIMIT 1",
    )
    .bind(scope.siteId, since)
    .first();
  return row !== null;
}
