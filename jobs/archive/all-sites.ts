// The daily archive run: every site's previous UTC day, each read from the site's own D1 database
// when SITE_DATABASES gives it one (schema/databases.ts). Sites run one after another; a failing
// site is logged by forEachSite and its day can be rerun (a rerun replaces the day's files).
import type { EdgeEnv } from "../../core/env";
import { DAY_MS, utcDay } from "../../core/time";
import { siteDatabase } from "../../schema/databases";
import { listSites } from "../../schema/queries/sites";
import { forEachSite } from "../each-site";
import { archiveSiteDay } from "./run";

/** The day the daily run archives: the UTC day before `now`'s. */
export const dayToArchive = (now: number) => utcDay(now - DAY_MS);

export async function archiveAllSites(env: EdgeEnv, day: string, now: number) {
  return forEachSite(await listSites(env.DB), "archive", async (site) => {
    await archiveSiteDay(siteDatabase(env, site.id), env.ARCHIVE, site.id, day, now);
  });
}
