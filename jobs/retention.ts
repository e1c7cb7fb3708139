// Daily: prune raw events, sessions, referral clicks and served recommendation lists past each site's retention, and delete old visitor-id salts
// (once a salt is gone, the cookieless ids made with it cannot be recomputed).
import { DAY_MS, utcDay } from "../core/time";
import { forEachSite } from "./each-site";

/** Rows deleted per statement: bounded work per statement, well inside D1's limits. */
export const PRUNE_CHUNK = 5_000;
/** A run stops after this many chunks per table and site; the next day's run continues. */
export const PRUNE_MAX_CHUNKS = 40;

export async function pruneRetention(
  db: D1Database,
  now: number,
): Promise<{ events: number; sessions: number; salts: number }> {
  const { results: sites } = await db
    .prepare("SELECT id, retention_days FROM sites")
    .all<{ id: string; retention_days: number }>();
  let eventsDeleted = 0;
  let sessionsDeleted = 0;
  await forEachSite(sites, "retention", async (site) => {
    const cutoff = now - site.retention_days * DAY_MS;
    eventsDeleted += await deleteInChunks(
      db
        .prepare("DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE site_id = ?1 AND ts < ?2 LIMIT ?3)")
        .bind(site.id, cutoff, PRUNE_CHUNK),
    );
    sessionsDeleted += await deleteInChunks(
      db
        .prepare(
          "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE site_id = ?1 AND last_seen_at < ?2 LIMIT ?3)",
        )
        .bind(site.id, cutoff, PRUNE_CHUNK),
    );
    // Click rows are raw traffic too; the commissions they led to are kept (money records).
    await deleteInChunks(
      db
        .prepare(
          "DELETE FROM partner_clicks WHERE rowid IN (SELECT rowid FROM partner_clicks WHERE site_id = ?1 AND ts < ?2 LIMIT ?3)",
        )
        .bind(site.id, cutoff, PRUNE_CHUNK),
    );
    // Served recommendation lists name learners: they age out with the events they are credited by.
    await deleteInChunks(
      db
        .prepare(
          "DELETE FROM rec_impressions WHERE rowid IN (SELECT rowid FROM rec_impressions WHERE site_id = ?1 AND created_at < ?2 LIMIT ?3)",
        )
        .bind(site.id, cutoff, PRUNE_CHUNK),
    );
  });
  // Keep today's and yesterday's salt (events near midnight); older ones go.
  const salts = await db
    .prepare("DELETE FROM salts WHERE day < ?1")
    .bind(utcDay(now - DAY_MS))
    .run();
  return { events: eventsDeleted, sessions: sessionsDeleted, salts: salts.meta.changes ?? 0 };
}

async function deleteInChunks(statement: D1PreparedStatement): Promise<number> {
  let total = 0;
  for (let i = 0; i < PRUNE_MAX_CHUNKS; i++) {
    const result = await statement.run();
    const changes = result.meta.changes ?? 0;
    total += changes;
    if (changes < PRUNE_CHUNK) break;
  }
  return total;
}
