// Cron entry: dispatches on the cron expression (wrangler.toml [triggers]).
import type { EdgeEnv } from "../core/env";
import { approveDue } from "../schema/queries/commissions";
import { listSites } from "../schema/queries/sites";
import { saveRollupState } from "../schema/queries/rollup";
import { fitRemovalEffects } from "./markov-fit";
import { pruneRetention } from "./retention";
import { runReports } from "./reports/run";
import { rollupSite } from "./rollup";

export const ROLLUP_CRON = "*/15 * * * *";
export const DAILY_CRON = "17 3 * * *";
/** Hourly: ROI emails that are due (and retries), then alert rules. */
export const REPORT_CRON = "7 * * * *";

export async function handleScheduled(controller: ScheduledController, env: EdgeEnv): Promise<void> {
  const now = controller.scheduledTime;
  if (controller.cron === ROLLUP_CRON) {
    // One site's failure must not stop the others: each is retried on the next run from its watermark.
    const results = await Promise.allSettled((await listSites(env.DB)).map((site) => rollupSite(env.DB, site, now)));
    for (const r of results) if (r.status === "rejected") console.error("rollup failed", r.reason);
    // Commissions past their holding period become payable within a quarter of an hour.
    await approveDue(env.DB, now);
  }
  if (controller.cron === REPORT_CRON) await runReports(env, now);
  if (controller.cron === DAILY_CRON) {
    await pruneRetention(env.DB, now);
    for (const site of await listSites(env.DB)) {
      const effects = await fitRemovalEffects(env.DB, { siteId: site.id }, now, site.lookbackDays);
      await saveRollupState(
        env.DB,
        { siteId: site.id },
        { markovEffects: JSON.stringify(effects), markovFittedAt: now },
      );
    }
  }
}
