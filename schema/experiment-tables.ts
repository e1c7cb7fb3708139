// Experiments: on-site A/B tests the snippet and /assign serve, and creative tests read from
// landings. Exposures are not a table: the snippet records a custom event (EXPOSURE_EVENT) once per
// session, and results read the events table.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const EXPERIMENT_STATUSES = ["draft", "running", "stopped"] as const;
export const EXPERIMENT_KINDS = ["onsite", "creative"] as const;

/** One arm: its key (what the snippet returns) and its share of traffic. */
export interface ExperimentVariant {
  key: string;
  weight: number;
}

export const experiments = sqliteTable(
  "experiments",
  {
    siteId: text("site_id").notNull(),
    key: text("key").notNull(),
    name: text("name").notNull(),
    kind: text("kind", { enum: EXPERIMENT_KINDS }).notNull(),
    status: text("status", { enum: EXPERIMENT_STATUSES }).notNull(),
    /** The first variant is control. */
    variants: text("variants", { mode: "json" }).$type<ExperimentVariant[]>().notNull(),
    hypothesis: text("hypothesis"),
    primaryMetric: text("primary_metric").notNull(),
    guardrails: text("guardrails", { mode: "json" }).$type<string[]>().notNull(),
    /** Creative tests: the landing field whose values are the variants (utm_content, utm_campaign, utm_id). */
    creativeField: text("creative_field"),
    /** A stopped experiment serves this variant to everyone (its control when no winner was chosen). */
    winner: text("winner"),
    decision: text("decision"),
    /** CUPED pre-period in days before the start (null: the default 14; 0: off). */
    cupedDays: integer("cuped_days"),
    startedAt: integer("started_at"),
    stoppedAt: integer("stopped_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.key] })],
);
