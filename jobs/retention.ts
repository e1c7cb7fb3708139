// Daily: prune raw events, sessions, referral clicks and served recommendation lists past each site's retention, and delete old visitor-id salts
// (once a salt is gone, the cookieless ids made with it cannot be recomputed).
import { type DatabaseEnv, type SiteDatabase, siteDatabase } from "../schema/databases";
import { DAY_MS, utcDay } from "../core/time";
import { deleteOldRows, deleteSaltsBefore, PRUNED_TABLES, siteRetentions } from "../schema/queries/retention";
import { forEachSite } from "./each-site";

/** Rows deleted per statement: bounded work per statement, well inside D1's limits. */
export const PRUNE_CHUNK = 5_000;
/** A run stops after this many chunks per table and site; the next day's run continues. */
export const PRUNE_MAX_CHUNKS = 40;

export async function pruneRetention(
  env: DatabaseEnv,
  now: number,
): Promise<{ events: number; sessions: number; salts: number }> {
  let eventsDeleted = 0;
  let sessionsDeleted = 0;
  await forEachSite(await siteRetentions(env.DB), "retention", async (site) => {
    const cutoff = now - site.retention_days * DAY_MS;
    const prune = (table: keyof typeof PRUNED_TABLES) =>
      deleteInChunks(siteDatabase(env, site.id), table, site.id, cutoff);
    eventsDeleted += await prune("events");
    sessionsDeleted += await prune("sessions");
    // Click rows are raw traffic too; the commissions they led to are kept (money records).
    await prune("partner_clicks");
    // Served recommendation lists name learners: they age out with the events they are credited by.
    await prune("rec_impressions");
    // Processed notification ids only stop redeliveries; payment_refs keeps payments idempotent after.
    await prune("payment_notifications");
    // Receipts only stop a redelivered queue message counting its bots twice.
    await prune("bot_hit_receipts");
  });
  // Keep today's and yesterday's salt (events near midnight); older ones go.
  const salts = await deleteSaltsBefore(env.DB, utcDay(now - DAY_MS));
  return { events: eventsDeleted, sessions: sessionsDeleted, salts };
}

async function deleteInChunks(
  db: SiteDatabase,
  table: keyof typeof PRUNED_TABLES,
  siteId: string,
  cutoff: number,
): Promise<number> {
  let total = 0;
  for (let i = 0; i < PRUNE_MAX_CHUNKS; i++) {
    const changes = await deleteOldRows(db, table, siteId, cutoff, PRUNE_CHUNK);
    total += changes;
    if (changes < PRUNE_CHUNK) break;
  }
  return total;
}
