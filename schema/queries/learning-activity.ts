// Learning events (core/event.ts LEARNING_EVENT_TYPES) of a site, for the dropout model.
import type { SiteDatabase } from "../databases";
import { LEARNING_EVENT_TYPES, type LearningEventType } from "../../core/event";
import { learnerOf } from "./recs";

export interface LearningActivityRow {
  id: string;
  user: string;
  ts: number;
  type: LearningEventType;
  /** The props column's JSON text. */
  props: string | null;
}

const TYPES = LEARNING_EVENT_TYPES.map((t) => `'${t}'`).join(", ");

/** A site's learning events after `after` in (ts, id) order, each with its learner key. */
export async function learningEventsPage(
  db: SiteDatabase,
  siteId: string,
  after: { ts: number; id: string },
  limit: number,
): Promise<LearningActivityRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, ${learnerOf("events")} AS user, ts, type, props FROM events WHERE site_id = ?1 ` +
        `AND type IN (${TYPES}) AND (ts > ?2 OR (ts = ?2 AND id > ?3)) ORDER BY ts, id LIMIT ?4`,
    )
    .bind(siteId, after.ts, after.id, limit)
    .all<LearningActivityRow>();
  return results;
}

export interface PurchaseActivityRow {
  id: string;
  user: string;
  ts: number;
  type: "purchase" | "refund";
  /** The items column's JSON text. */
  items: string | null;
  props: string | null;
}

/** A site's purchases and refunds after `after` in (ts, id) order, for the dropout label's bought courses. */
export async function purchaseEventsPage(
  db: SiteDatabase,
  siteId: string,
  after: { ts: number; id: string },
  limit: number,
): Promise<PurchaseActivityRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, ${learnerOf("events")} AS user, ts, type, items, props FROM events WHERE site_id = ?1 ` +
        "AND type IN ('purchase', 'refund') AND (ts > ?2 OR (ts = ?2 AND id > ?3)) ORDER BY ts, id LIMIT ?4",
    )
    .bind(siteId, after.ts, after.id, limit)
    .all<PurchaseActivityRow>();
  return results;
}
