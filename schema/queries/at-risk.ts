// D1 reads and writes for at-risk flags and their outcomes (schema/learner-tables.ts). A flag is
// inserted once per (site, learner, period); its outcome is settled by the cron from the learner's
// learning events after the flag. All parameters bound.
import type { SiteDatabase } from "../databases";
import { LEARNING_EVENT_TYPES } from "../../core/event";
import type { AtRiskOutcome } from "../learner-tables";
import { chunkByJsonBytes, JSON_PARAM_BUDGET_BYTES } from "../limits";
import { learnerOf } from "./recs";
import type { SiteScope } from "./scope";

export interface FlagInput {
  user: string;
  probability: number;
  lastActivityAt: number;
  reasons: string[];
}

/** Records this period's flags; a learner already flagged in the period keeps the first flag. */
export async function insertFlags(
  db: SiteDatabase,
  scope: SiteScope,
  period: string,
  flags: readonly FlagInput[],
  now: number,
): Promise<void> {
  // Rows travel as one JSON parameter, chunked under D1's statement size.
  for (const chunk of chunkByJsonBytes(flags, JSON_PARAM_BUDGET_BYTES)) {
    await db
      .prepare(
        "INSERT INTO at_risk_flags (site_id, user, period, probability, last_activity_at, flagged_at, reasons) " +
          "SELECT ?1, json_extract(j.value, '$.user'), ?2, json_extract(j.value, '$.probability'), " +
          "json_extract(j.value, '$.lastActivityAt'), ?3, json_extract(j.value, '$.reasons') FROM json_each(?4) AS j " +
          "WHERE true ON CONFLICT DO NOTHING",
      )
      .bind(scope.siteId, period, now, JSON.stringify(chunk))
      .run();
  }
}

const LEARNING_TYPES = JSON.stringify(LEARNING_EVENT_TYPES);

/**
 * Settles open flags: came back at the learner's first learning event within `windowMs` after the
 * flag; not back once the window has passed without one. Returns how many flags were settled.
 */
export async function settleOutcomes(db: SiteDatabase, scope: SiteScope, windowMs: number, now: number) {
  const firstReturn =
    `(SELECT min(e.ts) FROM events e WHERE e.site_id = f.site_id AND e.ts > f.flagged_at ` +
    `AND e.ts <= f.flagged_at + ?2 AND e.type IN (SELECT value FROM json_each(?3)) AND ${learnerOf("e")} = f.user)`;
  const [back, lost] = await db.batch([
    db
      .prepare(
        `UPDATE at_risk_flags AS f SET outcome = 'came_back', came_back_at = ${firstReturn}, resolved_at = ?4 ` +
          `WHERE f.site_id = ?1 AND f.outcome IS NULL AND ${firstReturn} IS NOT NULL`,
      )
      .bind(scope.siteId, windowMs, LEARNING_TYPES, now),
    db
      .prepare(
        "UPDATE at_risk_flags SET outcome = 'not_back', resolved_at = ?3 " +
          "WHERE site_id = ?1 AND outcome IS NULL AND flagged_at + ?2 <= ?3",
      )
      .bind(scope.siteId, windowMs, now),
  ]);
  return { cameBack: back!.meta.changes ?? 0, notBack: lost!.meta.changes ?? 0 };
}

export interface PeriodOutcomeRow {
  period: string;
  flagged: number;
  came_back: number;
  not_back: number;
}

/** Per period from `fromPeriod` on, newest first: flagged learners and how many came back. */
export async function outcomesByPeriod(
  db: SiteDatabase,
  scope: SiteScope,
  fromPeriod: string,
): Promise<PeriodOutcomeRow[]> {
  const { results } = await db
    .prepare(
      "SELECT period, count(*) AS flagged, coalesce(sum(outcome = 'came_back'), 0) AS came_back, " +
        "coalesce(sum(outcome = 'not_back'), 0) AS not_back FROM at_risk_flags " +
        "WHERE site_id = ?1 AND period >= ?2 GROUP BY period ORDER BY period DESC",
    )
    .bind(scope.siteId, fromPeriod)
    .all<PeriodOutcomeRow>();
  return results;
}

export interface FlagRow {
  user: string;
  probability: number;
  lastActivityAt: number;
  reasons: string[];
  outcome: AtRiskOutcome | null;
}

/** One period's flags, most likely to drop out first. */
export async function flagsOf(db: SiteDatabase, scope: SiteScope, period: string, limit: number): Promise<FlagRow[]> {
  const { results } = await db
    .prepare(
      "SELECT user, probability, last_activity_at AS lastActivityAt, reasons, outcome FROM at_risk_flags " +
        "WHERE site_id = ?1 AND period = ?2 ORDER BY probability DESC, user LIMIT ?3",
    )
    .bind(scope.siteId, period, limit)
    .all<Omit<FlagRow, "reasons"> & { reasons: string }>();
  return results.map((r) => ({ ...r, reasons: JSON.parse(r.reasons) as string[] }));
}
