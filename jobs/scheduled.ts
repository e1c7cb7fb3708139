// Cron entry: dispatches on the cron expression (core/crons.ts, the same strings as wrangler.toml
// [triggers]). The report emails' cron runs in the recommend Worker (functions/recommend/index.ts). Every per-site loop goes through forEachSite: one failing site is logged, the others run.
import { allSiteDatabases, siteDatabase } from "../schema/databases";
import { ARCHIVE_CRON, DAILY_CRON, ROLLUP_CRON, SEO_AUDIT_CRON } from "../core/crons";
import type { EdgeEnv } from "../core/env";
import { archiveAllSites, dayToArchive } from "./archive/all-sites";
import { approveDue } from "../schema/queries/commissions";
import { listSites } from "../schema/queries/sites";
import { saveRollupState } from "../schema/queries/rollup";
import { computeSegments } from "./analytics/segments";
import { forEachSite } from "./each-site";
import { fitRemovalEffects } from "./markov-fit";
import { pruneRetention } from "./retention";
import { rollupSite } from "./rollup";
import { auditSite } from "./seo/audit";
import { accountFor, pullSearchConsole } from "./seo/console-pull";
import { addDays, utcDay } from "../core/time";
import { retryWebhooks, runAtRisk } from "./learners/run";

export async function handleScheduled(controller: ScheduledController, env: EdgeEnv): Promise<void> {
  const now = controller.scheduledTime;
  if (controller.cron === ROLLUP_CRON) {
    // A failed site is retried on the next run from its watermark.
    await forEachSite(await listSites(env.DB), "rollup", async (site) => {
      await rollupSite(siteDatabase(env, site.id), site, now);
    });
    // Commissions past their holding period become payable within a quarter of an hour.
    for (const db of allSiteDatabases(env)) await approveDue(db, now);
    // Failed learner.at_risk deliveries are retried within the hour (each has its own next attempt time).
    await retryWebhooks(env, now);
  }
  if (controller.cron === DAILY_CRON) {
    await pruneRetention(env, now);
    // A site whose refit fails keeps yesterday's effects until the next day's run.
    await forEachSite(await listSites(env.DB), "markov refit", async (site) => {
      const effects = await fitRemovalEffects(siteDatabase(env, site.id), { siteId: site.id }, now, site.lookbackDays);
      await saveRollupState(
        siteDatabase(env, site.id),
        { siteId: site.id },
        { markovEffects: JSON.stringify(effects), markovFittedAt: now },
      );
    });
    // Learner segments (RFM, clusters, predicted value); a failing site keeps yesterday's.
    await forEachSite(await listSites(env.DB), "segments", async (site) => {
      await computeSegments(siteDatabase(env, site.id), site, now);
    });
    // Search Console: the day three days back (the console's data settles after about two days),
    // for sites with a service account in SEARCH_CONSOLE_CREDENTIALS.
    await forEachSite(await listSites(env.DB), "search console pull", async (site) => {
      const account = accountFor(env.SEARCH_CONSOLE_CREDENTIALS, site.id);
      if (!account) return;
      await pullSearchConsole(siteDatabase(env, site.id), site.id, {
        account,
        day: addDays(utcDay(now), -3),
        fetcher: (request) => fetch(request),
        consoleUrl: env.SEARCH_CONSOLE_URL,
        tokenUrl: env.SEARCH_CONSOLE_TOKEN_URL,
        now,
      });
    });
    // Dropout risk: outcomes of earlier flags, this week's at-risk learners, their webhooks, the weekly digest.
    await runAtRisk(env, now);
  }
  if (controller.cron === SEO_AUDIT_CRON) {
    // The weekly on-page audit; a failing site keeps last week's findings.
    await forEachSite(await listSites(env.DB), "seo audit", async (site) => {
      await auditSite(siteDatabase(env, site.id), site, (request) => fetch(request), now);
    });
  }
  // The previous UTC day of every site to R2 as Parquet; a failing site is logged, rerun replaces.
  if (controller.cron === ARCHIVE_CRON) await archiveAllSites(env, dayToArchive(now), now);
}
