// ROI report emails on demand, for the edge Worker's send-now and preview (the hourly run is this
// Worker's REPORT_CRON). The figures, the PNG charts (resvg), the MIME and the delivery happen
// here; the edge has already authenticated the caller and found the subscription.
import { siteDatabase } from "../../schema/databases";
import { Hono } from "hono";
import { previewSubscription } from "../../jobs/reports/preview";
import { sendSubscription, testPeriod } from "../../jobs/reports/run";
import { getSubscription } from "../../schema/queries/subscriptions";
import { getSite } from "../../schema/queries/sites";
import { ApiError } from "../shared/errors";
import { REPORT_PREVIEW_PATH, REPORT_SEND_NOW_PATH, type SendNowOutcome } from "../shared/report-api";
import { siteOf, type RecommendBindings } from "./env";
import type { Context } from "hono";

export const reportRoutes = new Hono<RecommendBindings>();

/** The site and subscription the edge named (looked up again: the edge's word is the site id only). */
async function target(c: Context<RecommendBindings>) {
  const scope = { siteId: siteOf(c) };
  const [site, sub] = await Promise.all([
    getSite(c.env.DB, scope),
    getSubscription(siteDatabase(c.env, scope.siteId), scope, c.req.param("id") ?? ""),
  ]);
  if (!site || !sub) throw new ApiError(404, "not_found", "No such report subscription.");
  return { site, sub };
}

reportRoutes.post(REPORT_SEND_NOW_PATH, async (c) => {
  const { site, sub } = await target(c);
  const now = Date.now();
  const period = testPeriod(sub, now);
  const counts = await sendSubscription(c.env, site, sub, period, now);
  return c.json({ period, ...counts } satisfies SendNowOutcome);
});

reportRoutes.get(REPORT_PREVIEW_PATH, async (c) => {
  const { site, sub } = await target(c);
  return c.json(await previewSubscription(c.env, site, sub, Date.now()));
});
