// Learner segments of one site, computed by the daily cron and on request: RFM over every order,
// activity clusters over the last CLUSTER_WINDOW_DAYS, and the predicted-value model over learners
// first seen in the last VALUE_LOOKBACK_DAYS. Each kind replaces its previous segments in one
// transaction; a kind with too little (or too much) data is written as skipped, with the reason.
import type { SiteDatabase } from "../../schema/databases";
import { toMajor } from "../../core/money";
import { DAY_MS } from "../../core/time";
import { ACTIVITY_FEATURES, clusterActivity } from "../../models/analytics/activity";
import { LinalgError } from "../../models/linalg";
import { ordersFromEvents, rfm } from "../../models/analytics/rfm";
import {
  FEATURE_DAYS,
  fitValueModel,
  learnerFeatures,
  rankLearners,
  TARGET_DAYS,
  VALUE_FEATURES,
} from "../../models/analytics/value-model";
import type { SegmentKind, SegmentReport } from "../../schema/analytics-tables";
import { ANALYSIS_KEY_PAGE_ROWS, MAX_SEGMENT_ROWS } from "../../schema/limits";
import { type AnalyticsRow, countEvents, eventsPage, type Selection, typeIn } from "../../schema/queries/analytics";
import {
  activityPage,
  countFirstWeekEvents,
  firstWeekEventsPage,
  replaceSegments,
  type SegmentMember,
} from "../../schema/queries/segments";
import type { SiteRow } from "../../schema/queries/sites";
import { eventKey, firstKey, missingRateNote, readPages, RowBudget, siteRevenue, TooManyRowsError } from "./read";

/** Activity clusters look at this many days before the computation. */
export const CLUSTER_WINDOW_DAYS = 90;
/** The value model learns from, and ranks, learners first seen this many days before the computation. */
export const VALUE_LOOKBACK_DAYS = 365;
/** Predicted-value segments: quintiles of the ranked learners, highest first. */
export const VALUE_SEGMENTS = ["very_high", "high", "medium", "low", "very_low"] as const;
const SEED = 20240611;

type Outcome = { members: SegmentMember[]; report: Omit<SegmentReport, "currency" | "notes">; notes?: string[] };

const skipped = (reason: string): Outcome => ({
  members: [],
  report: { status: "skipped", reason, learners: 0, segments: [], silhouette: null, fit: null },
});

/** Data-shaped failures (too few learners, all alike, over the cap) skip the kind; anything else is a real error. */
async function orSkip(work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TooManyRowsError || error instanceof RangeError || error instanceof LinalgError)
      return skipped(error.message);
    throw error;
  }
}

const mean = (values: number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : null);

export async function computeSegments(db: SiteDatabase, site: SiteRow, now: number): Promise<void> {
  const scope = { siteId: site.id };
  const major = (minor: number) => toMajor(minor, site.currency);
  const revenue = await siteRevenue(db, scope, site);
  const write = async (kind: SegmentKind, outcome: Outcome, notes: string[] = []) =>
    replaceSegments(db, scope, kind, now, outcome.members, {
      ...outcome.report,
      currency: site.currency,
      notes: [...notes, ...(outcome.notes ?? [])],
    });

  // Every purchase and refund up to now, for RFM and for the clusters' money.
  let orders: AnalyticsRow[] = [];
  let orderNotes: string[] = [];
  const rfmOutcome = await orSkip(async () => {
    const all = { from: 0, to: now + 1 };
    const sel: Selection = { where: typeIn(["purchase", "refund"]), index: "events_site_type_ts" };
    const intern = new Map<string, string>();
    orders = await readPages(
      new RowBudget(MAX_SEGMENT_ROWS),
      await countEvents(db, scope, all, sel),
      firstKey(0),
      (after, limit) => eventsPage(db, scope, all, sel, after, limit, intern),
      eventKey,
    );
    orderNotes = missingRateNote(revenue.convert(orders), site.currency);
    const result = rfm(ordersFromEvents(orders), now);
    return {
      members: result.learners.map((l) => ({
        learnerId: l.learnerId,
        segment: l.segment,
        scores: {
          recency_days: l.recencyDays,
          frequency: l.frequency,
          monetary: major(l.monetaryMinor),
          r: l.r,
          f: l.f,
          m: l.m,
        },
      })),
      report: {
        status: "computed",
        reason: null,
        learners: result.learners.length,
        segments: result.segments.map((s) => {
          const members = result.learners.filter((l) => l.segment === s.segment);
          return {
            segment: s.segment,
            learners: s.learners,
            profile: {
              revenue: major(s.revenueMinor),
              recency_days: mean(members.map((l) => l.recencyDays)),
              frequency: mean(members.map((l) => l.frequency)),
              monetary: members.length ? major(s.revenueMinor) / members.length : null,
            },
          };
        }),
        silhouette: null,
        fit: null,
      },
    };
  });
  await write("rfm", rfmOutcome, orderNotes);

  const clusterOutcome = await orSkip(async () => {
    const window = { from: now - CLUSTER_WINDOW_DAYS * DAY_MS, to: now + 1 };
    const activity = await readPages(
      new RowBudget(MAX_SEGMENT_ROWS),
      null,
      "",
      (after, limit) => activityPage(db, scope, window, after, limit),
      (r) => r.learner,
      ANALYSIS_KEY_PAGE_ROWS,
    );
    const money = new Map<string, { purchases: number; revenueMinor: number }>();
    for (const o of orders) {
      if (o.type !== "purchase" || o.ts < window.from) continue;
      const m = money.get(o.visitorId) ?? { purchases: 0, revenueMinor: 0 };
      m.purchases++;
      m.revenueMinor += o.revenueMinor ?? 0;
      money.set(o.visitorId, m);
    }
    const learners = activity.map((a) => {
      const m = money.get(a.learner);
      const values = [
        a.sessions,
        a.activeDays,
        a.pageviews,
        a.lessons,
        a.engagedMs / 60_000,
        m?.purchases ?? 0,
        m?.revenueMinor ?? 0,
        (now - a.lastSeen) / DAY_MS,
      ];
      return { learnerId: a.learner, values };
    });
    const fit = clusterActivity(learners, SEED);
    const revenueAt = ACTIVITY_FEATURES.indexOf("revenue");
    const inUnits = (values: number[]) =>
      Object.fromEntries(ACTIVITY_FEATURES.map((f, j) => [f, j === revenueAt ? major(values[j]!) : values[j]!]));
    return {
      members: learners.map((l, i) => ({
        learnerId: l.learnerId,
        segment: `cluster_${fit.assignments[i]! + 1}`,
        scores: inUnits(l.values),
      })),
      report: {
        status: "computed",
        reason: null,
        learners: learners.length,
        segments: fit.clusters.map((c, i) => ({
          segment: `cluster_${i + 1}`,
          learners: c.size,
          profile: { share: c.share, ...inUnits(c.means) },
        })),
        silhouette: fit.scores.map((s) => ({ k: s.k, score: s.silhouette })),
        fit: null,
      },
      notes: [`k = ${fit.k}, the best mean silhouette of k = ${fit.scores.map((s) => s.k).join(", ")}.`],
    };
  });
  await write("cluster", clusterOutcome, orderNotes);

  const valueOutcome = await orSkip(async () => {
    // Learners ready to score (a full first week) and those that can train (90 days seen) alike.
    const firsts = { from: now - VALUE_LOOKBACK_DAYS * DAY_MS, to: now - FEATURE_DAYS * DAY_MS };
    const [featureMs, targetMs] = [FEATURE_DAYS * DAY_MS, TARGET_DAYS * DAY_MS];
    const intern = new Map<string, string>();
    const events = await readPages(
      new RowBudget(MAX_SEGMENT_ROWS),
      await countFirstWeekEvents(db, scope, firsts, now + 1, featureMs, targetMs),
      firstKey(firsts.from),
      (after, limit) => firstWeekEventsPage(db, scope, firsts, now + 1, featureMs, targetMs, after, limit, intern),
      eventKey,
    );
    const notes = missingRateNote(revenue.convert(events), site.currency);
    const rows = learnerFeatures(events, now);
    const model = fitValueModel(rows, { seed: SEED });
    // Ranked: learners whose 90 days are still running, the ones a campaign can still reach.
    const ranked = rankLearners(
      model,
      rows.filter((r) => !r.complete),
    );
    const segmentOf = (i: number) => VALUE_SEGMENTS[Math.floor((VALUE_SEGMENTS.length * i) / ranked.length)]!;
    const members = ranked.map((r, i) => ({
      learnerId: r.learnerId,
      segment: segmentOf(i),
      scores: { predicted_value: major(r.predictedMinor), rank: i + 1 },
    }));
    return {
      members,
      report: {
        status: "computed",
        reason: null,
        learners: ranked.length,
        segments: VALUE_SEGMENTS.map((segment) => {
          const inSegment = members.filter((m) => m.segment === segment);
          return {
            segment,
            learners: inSegment.length,
            profile: { predicted_value: mean(inSegment.map((m) => m.scores.predicted_value)) },
          };
        }),
        silhouette: null,
        fit: {
          lambda: model.lambda,
          intercept: major(model.intercept),
          coefficients: model.coefficients.map((c) => ({
            feature: c.feature,
            estimate: major(c.estimate),
            standardError: major(c.standardError),
          })),
          train: model.train,
          holdout: model.holdout,
        },
      },
      notes: [
        ...notes,
        `Trained on ${model.train.n} learners with 90 days of history (${model.holdout.n} held out); ` +
          `features: ${VALUE_FEATURES.join(", ")} in the first ${FEATURE_DAYS} days.`,
      ],
    };
  });
  await write("value", valueOutcome);
}
