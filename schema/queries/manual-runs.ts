// Heavy work started by hand, for its rate limit and its outcome (schema/reliability-tables.ts).
// Claiming a run is one statement, so concurrent requests cannot both take the last slot.
import type { SiteDatabase } from "../databases";
import { MANUAL_RUN_LIMITS } from "../limits";
import type { ManualRunKind } from "../reliability-tables";

export type { ManualRunKind };

/** Starts a run when the site has started fewer than the kind's limit in its window; else how long to wait. */
export async function claimManualRun(
  db: SiteDatabase,
  siteId: string,
  kind: ManualRunKind,
  id: string,
  now: number,
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const { runs, minutes } = MANUAL_RUN_LIMITS[kind];
  const windowMs = minutes * 60_000;
  const since = now - windowMs;
  const inserted = await db
    .prepare(
      "INSERT INTO manual_runs (site_id, kind, id, started_at) SELECT ?1, ?2, ?3, ?4 " +
        "WHERE (SELECT count(*) FROM manual_runs WHERE site_id = ?1 AND kind = ?2 AND started_at > ?5) < ?6",
    )
    .bind(siteId, kind, id, now, since, runs)
    .run();
  if ((inserted.meta.changes ?? 0) > 0) return { ok: true };
  // A slot frees when the oldest of the last `runs` runs leaves the window.
  const oldest = await db
    .prepare(
      "SELECT started_at FROM manual_runs WHERE site_id = ?1 AND kind = ?2 AND started_at > ?3 " +
        "ORDER BY started_at DESC LIMIT 1 OFFSET ?4",
    )
    .bind(siteId, kind, since, runs - 1)
    .first<{ started_at: number }>();
  const freeAt = (oldest?.started_at ?? now) + windowMs;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
}

/** Records how a run ended: `error` null when it finished, else why it failed. */
export async function finishManualRun(
  db: SiteDatabase,
  siteId: string,
  kind: ManualRunKind,
  id: string,
  now: number,
  error: string | null,
) {
  await db
    .prepare("UPDATE manual_runs SET finished_at = ?4, error = ?5 WHERE site_id = ?1 AND kind = ?2 AND id = ?3")
    .bind(siteId, kind, id, now, error === null ? null : error.slice(0, 2_000))
    .run();
}

/** A site's latest runs of a kind, newest first (their errors are what an operator looks for). */
export async function recentManualRuns(db: SiteDatabase, siteId: string, kind: ManualRunKind, limit = 20) {
  const { results } = await db
    .prepare(
      "SELECT id, started_at, finished_at, error FROM manual_runs WHERE site_id = ?1 AND kind = ?2 " +
        "ORDER BY started_at DESC LIMIT ?3",
    )
    .bind(siteId, kind, limit)
    .all<{ id: string; started_at: number; finished_at: number | null; error: string | null }>();
  return results;
}
