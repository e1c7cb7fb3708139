// The daily at-risk run (DAILY_CRON), with a weekly period: per site, settle the outcomes of earlier
// flags, ask the recommend Worker (RECOMMEND service binding) for the learners at risk now, flag
// them for this week (once per learner and week), create one `learner.at_risk` delivery per
// endpoint, learner and week, attempt the deliveries, and send the week's digest email (once per
// recipient and week). Retries of failed deliveries run every 15 minutes (ROLLUP_CRON, retryWebhooks).
import { siteDatabase } from "../../schema/databases";
import type { EdgeEnv } from "../../core/env";
import { SITE_HEADER } from "../../core/service";
import { DAY_MS } from "../../core/time";
import type { Reason } from "../../models/dropout/reasons";
import { insertFlags, settleOutcomes } from "../../schema/queries/at-risk";
import { listSites, type SiteRow } from "../../schema/queries/sites";
import { createDeliveries, listEndpoints, type NewDelivery } from "../../schema/queries/webhooks";
import { forEachSite } from "../each-site";
import { sendAtRiskDigest } from "./digest";
import { FLAG_THRESHOLD, WIN_BACK_WINDOW_DAYS, weekOf } from "./period";
import { deliverDue, type Fetcher } from "./webhooks";

/** The cron flags at most this many learners per site and run (the API's maximum). */
export const CRON_LIMIT = 500;

/** The at-risk list as the recommend Worker answers it (functions/shared/learners-api.ts AtRiskList). */
export interface AtRiskAnswer {
  model: { id: string; version: number };
  as_of: string;
  course_id: string | null;
  threshold: number;
  scored: number;
  data: {
    user_id: string;
    last_activity_at: string;
    courses: string[];
    probability: number;
    reasons: Reason[];
  }[];
}

/** The at-risk list from the recommend Worker; null while the site has no promoted dropout model. */
export async function fetchAtRisk(
  env: Pick<EdgeEnv, "RECOMMEND">,
  siteId: string,
  query: { threshold: number; limit: number },
): Promise<AtRiskAnswer | null> {
  const url = `https://recommend/api/v1/learners/at-risk?threshold=${query.threshold}&limit=${query.limit}`;
  const response = await env.RECOMMEND.fetch(new Request(url, { headers: { [SITE_HEADER]: siteId } }));
  if (response.status === 409) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) throw new Error(`at-risk list: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as AtRiskAnswer;
}

/** The `learner.at_risk` event body (Standard Webhooks' type, timestamp, data). */
export function atRiskPayload(siteId: string, period: string, learner: AtRiskAnswer["data"][number], now: number) {
  return JSON.stringify({
    type: "learner.at_risk",
    timestamp: new Date(now).toISOString(),
    data: { site_id: siteId, period, ...learner },
  });
}

export interface SiteRun {
  flagged: number;
  deliveries: number;
  delivered: number;
  failed: number;
}

/** One site's run (outcomes, flags, deliveries); the digest is sent by runAtRisk after it. */
export async function flagSite(env: EdgeEnv, site: Pick<SiteRow, "id">, now: number, fetcher?: Fetcher) {
  const scope = { siteId: site.id };
  await settleOutcomes(siteDatabase(env, scope.siteId), scope, WIN_BACK_WINDOW_DAYS * DAY_MS, now);
  const run: SiteRun = { flagged: 0, deliveries: 0, delivered: 0, failed: 0 };
  const answer = await fetchAtRisk(env, site.id, { threshold: FLAG_THRESHOLD, limit: CRON_LIMIT });
  if (answer) {
    const period = weekOf(now);
    const learners = answer.data;
    await insertFlags(
      siteDatabase(env, scope.siteId),
      scope,
      period,
      learners.map((l) => ({
        user: l.user_id,
        probability: l.probability,
        lastActivityAt: Date.parse(l.last_activity_at),
        reasons: l.reasons.map((r) => r.code),
      })),
      now,
    );
    run.flagged = learners.length;
    const endpoints = (await listEndpoints(siteDatabase(env, scope.siteId), scope)).filter((e) =>
      e.events.includes("learner.at_risk"),
    );
    const rows: NewDelivery[] = endpoints.flatMap((e) =>
      learners.map((l) => ({
        id: `msg_${crypto.randomUUID().replace(/-/g, "")}`,
        endpointId: e.id,
        event: "learner.at_risk" as const,
        subject: l.user_id,
        period,
        payload: atRiskPayload(site.id, period, l, now),
      })),
    );
    run.deliveries = await createDeliveries(siteDatabase(env, scope.siteId), scope, rows, now);
  }
  Object.assign(run, await deliverDue(env, scope, now, fetcher));
  return run;
}

/** DAILY_CRON: every site's at-risk run, then its weekly digest. */
export async function runAtRisk(env: EdgeEnv, now: number, fetcher?: Fetcher): Promise<void> {
  const sites = await listSites(env.DB);
  await forEachSite(sites, "at-risk", async (site) => {
    const run = await flagSite(env, site, now, fetcher);
    if (run.flagged || run.deliveries || run.failed) console.log("at-risk", site.id, run);
  });
  await forEachSite(sites, "at-risk digest", async (site) => {
    await sendAtRiskDigest(env, site, weekOf(now), now);
  });
}

/** ROLLUP_CRON (every 15 minutes): retries of failed deliveries, every site. */
export const retryWebhooks = (env: EdgeEnv, now: number, fetcher?: Fetcher) => deliverDue(env, null, now, fetcher);
