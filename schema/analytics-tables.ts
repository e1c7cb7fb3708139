// Behaviour analytics: the site's goals (what counts as a conversion, read by funnels and journeys)
// and the learner segments the daily cron computes (RFM, k-means clusters, predicted value), with
// each learner's scores for audience exports and a report per kind for the summary.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Goal } from "../models/analytics/goals";

/** rfm: the 11 named R × FM segments; cluster: k-means on recent activity; value: predicted 90-day revenue quintiles. */
export const SEGMENT_KINDS = ["rfm", "cluster", "value"] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

export const goals = sqliteTable(
  "goals",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /**
     * The goal as models/analytics/goals.ts reads it (its label is the name). A purchase goal's
     * minimum is stored in minor units of the site's currency when the goal is written.
     */
    definition: text("definition", { mode: "json" }).$type<Goal>().notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

/**
 * Which segment of each kind a learner is in. Learner ids are the user id, else the user the
 * visitor was identified as, else the (hashed) visitor id. Replaced whole per (site, kind) by each
 * computation. Read by the query API's `segment` and `segment:KIND` dimensions and filters.
 */
export const learnerSegments = sqliteTable(
  "learner_segments",
  {
    siteId: text("site_id").notNull(),
    learnerId: text("learner_id").notNull(),
    segmentKind: text("segment_kind", { enum: SEGMENT_KINDS }).notNull(),
    segment: text("segment").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.segmentKind, t.learnerId] }),
    // The query API looks segments up by learner (every kind at once for `segment`).
    index("learner_segments_site_learner").on(t.siteId, t.learnerId),
  ],
);

/** Per learner and kind, the numbers behind the segment (R, F, M; feature values; predicted value and rank). */
export type LearnerScores = Record<string, number>;

export const learnerScores = sqliteTable(
  "learner_scores",
  {
    siteId: text("site_id").notNull(),
    segmentKind: text("segment_kind", { enum: SEGMENT_KINDS }).notNull(),
    learnerId: text("learner_id").notNull(),
    scores: text("scores", { mode: "json" }).$type<LearnerScores>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.segmentKind, t.learnerId] })],
);

/** One segment of a kind as the summary shows it: its size and what its learners look like. */
export interface SegmentGroup {
  segment: string;
  learners: number;
  /** Named means over the segment's learners (money in major units of the report's currency). */
  profile: Record<string, number | null>;
}

/** The value model's fit, as models/analytics/value-model.ts reports it (money in major units). */
export interface ValueModelFit {
  lambda: number;
  intercept: number;
  coefficients: { feature: string; estimate: number; standardError: number }[];
  train: { n: number; r2: number | null };
  holdout: { n: number; r2: number | null; baselineR2: number | null };
}

export interface SegmentReport {
  /** skipped: too little (or too much) data; `reason` says which. Its segments are then empty. */
  status: "computed" | "skipped";
  reason: string | null;
  currency: string;
  learners: number;
  segments: SegmentGroup[];
  /** cluster: the k chosen and each k's silhouette. */
  silhouette: { k: number; score: number | null }[] | null;
  /** value: the regression. */
  fit: ValueModelFit | null;
  notes: string[];
}

export const segmentReports = sqliteTable(
  "segment_reports",
  {
    siteId: text("site_id").notNull(),
    segmentKind: text("segment_kind", { enum: SEGMENT_KINDS }).notNull(),
    computedAt: integer("computed_at").notNull(),
    report: text("report", { mode: "json" }).$type<SegmentReport>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.segmentKind] })],
);
