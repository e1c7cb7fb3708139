// Learner segments: one segment per learner and kind (an RFM class, a value tier, a k-means cluster),
// written by the segment jobs and read by the query API's `segment` and `segment:KIND` dimensions.
// A learner is the user id when the learner is known, else the visitor id (as retention and RFM key people).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const learnerSegments = sqliteTable(
  "learner_segments",
  {
    siteId: text("site_id").notNull(),
    /** user_id when known, else visitor_id. */
    learnerId: text("learner_id").notNull(),
    /** What the segment classifies by, e.g. "rfm" or "cluster": lower-case letters, digits and _. */
    segmentKind: text("segment_kind").notNull(),
    /** The learner's segment of that kind, e.g. "champions". */
    segment: text("segment").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.segmentKind, t.learnerId] }),
    // The query API looks segments up by learner (every kind at once for `segment`).
    index("learner_segments_site_learner").on(t.siteId, t.learnerId),
  ],
);
