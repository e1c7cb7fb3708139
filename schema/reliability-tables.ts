// Bookkeeping that keeps retried work from counting twice or running too often (issue 20).
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Queue messages whose bot counts are already in bot_hits. Events dedupe by their own id; a bot
 * count is a sum, so a redelivered message (a consumer that failed after writing) would add it
 * again: the count and this receipt are written in one transaction, and a receipt stops the second.
 * Pruned with the events (jobs/retention.ts), long after Queues stops redelivering.
 */
export const botHitReceipts = sqliteTable(
  "bot_hit_receipts",
  {
    siteId: text("site_id").notNull(),
    messageId: text("message_id").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.messageId] })],
);

/** Heavy work started by hand (retrain now, compute segments now): the rate limit counts these. */
export const MANUAL_RUN_KINDS = ["retrain", "segments"] as const;
export type ManualRunKind = (typeof MANUAL_RUN_KINDS)[number];

export const manualRuns = sqliteTable(
  "manual_runs",
  {
    siteId: text("site_id").notNull(),
    kind: text("kind", { enum: MANUAL_RUN_KINDS }).notNull(),
    id: text("id").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    /** Why the run failed (R2 or D1 down, say); null while running or when it finished. */
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.kind, t.id] })],
);
