// Every cron expression of both Workers, named once. wrangler.toml and recommend.wrangler.toml
// [triggers] list the same strings (test/node/config.test.ts fails if they drift): Cloudflare
// calls scheduled() with the expression as written there, and the handlers dispatch on it.

/** Edge: every 15 minutes, the incremental ROI rollup, commission approvals and learner.at_risk webhook retries. */
export const ROLLUP_CRON = "*/15 * * * *";
/** Edge: daily at 03:17 UTC, retention pruning and salt rotation, then each site's Markov refit; at-risk learners (weekly periods). */
export const DAILY_CRON = "17 3 * * *";
/** Edge: daily at 01:23 UTC, the raw archive of the previous UTC day to R2 (jobs/archive). */
export const ARCHIVE_CRON = "23 1 * * *";
/** Edge: weekly, Mondays at 04:23 UTC, each site's on-page SEO audit. */
export const SEO_AUDIT_CRON = "23 4 * * 1";
/** The edge Worker's triggers, in wrangler.toml's order. */
export const EDGE_CRONS = [ROLLUP_CRON, DAILY_CRON, ARCHIVE_CRON, SEO_AUDIT_CRON] as const;

/** Recommend: daily at 02:41 UTC, retraining sites with new item signals. */
export const RETRAIN_CRON = "41 2 * * *";
/**
 * Recommend: hourly at :07, ROI emails that are due (and retries), then alert rules. In the
 * recommend Worker because the report's charts need resvg's wasm, kept out of the capture Worker.
 */
export const REPORT_CRON = "7 * * * *";
/** The recommend Worker's triggers (recommend.wrangler.toml). */
export const RECOMMEND_CRONS = [RETRAIN_CRON, REPORT_CRON] as const;
