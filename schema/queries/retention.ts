// Deletes for the retention job: raw rows older than each site's retention, a bounded chunk per
// statement, and old visitor-id salts. The table and time column come from the constant map below.
import type { ControlDatabase, SiteDatabase } from "../databases";

/** Tables pruned by age, with the column that dates a row. */
export const PRUNED_TABLES = {
  events: "ts",
  sessions: "last_seen_at",
  partner_clicks: "ts",
  rec_impressions: "created_at",
  payment_notifications: "received_at",
  bot_hit_receipts: "at",
} as const;

export async function siteRetentions(db: ControlDatabase) {
  const { results } = await db
    .prepare("SELECT id, retention_days FROM sites")
    .all<{ id: string; retention_days: number }>();
  return results;
}

/** Deletes at most `limit` rows of one site dated before `cutoff`; returns how many went. */
export async function deleteOldRows(
  db: SiteDatabase,
  table: keyof typeof PRUNED_TABLES,
  siteId: string,
  cutoff: number,
  limit: number,
): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE site_id = ?1 AND ${PRUNED_TABLES[table]} < ?2 LIMIT ?3)`,
    )
    .bind(siteId, cutoff, limit)
    .run();
  return result.meta.changes ?? 0;
}

/** Deletes the salts of days before `day`; returns how many went. */
export async function deleteSaltsBefore(db: ControlDatabase, day: string): Promise<number> {
  const result = await db.prepare("DELETE FROM salts WHERE day < ?1").bind(day).run();
  return result.meta.changes ?? 0;
}
