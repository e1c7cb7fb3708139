// The experiments add-on with the site's statuses appended (/t/experiments.js?site=KEY), so a page
// learns synchronously what a draft or stopped experiment serves. Cached at the edge (Cache API) for
// CONFIG_MAX_AGE seconds; start, stop and edits drop this data centre's copy at once, others expire.
import { type DatabaseEnv, type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { servedVariant } from "../../../core/experiment-assign";
import { listExperiments } from "../../../schema/queries/experiments";
import { siteByPublicKey } from "../../../schema/queries/sites";
import { EXPERIMENTS_SOURCE } from "../../snippet/bundle.generated";

export const CONFIG_MAX_AGE = 30;

/** Host-independent: the API call that changes a status may arrive on another hostname than the page's script. */
const cacheKey = (publicKey: string) => `https://experiments.wayfind.internal/${encodeURIComponent(publicKey)}`;

/** Per on-site experiment: 1 while running, else the variant everyone is served (core/experiment-assign.ts). */
export async function siteStatuses(db: SiteDatabase, siteId: string): Promise<Record<string, string | 1>> {
  const out: Record<string, string | 1> = {};
  for (const e of await listExperiments(db, { siteId }))
    if (e.kind === "onsite") out[e.key] = servedVariant(e.status, e.variants[0]!.key, e.winner) ?? 1;
  return out;
}

export async function experimentsScript(
  env: DatabaseEnv,
  publicKey: string,
  ctx: { waitUntil(p: Promise<unknown>): void },
): Promise<Response> {
  const cache = caches.default;
  const hit = await cache.match(cacheKey(publicKey));
  if (hit) return hit;
  const site = await siteByPublicKey(env.DB, publicKey);
  // An unknown key gets the add-on as is: experiments run as the page says, as without ?site=.
  const statuses = site ? await siteStatuses(siteDatabase(env, site.id), site.id) : {};
  const res = new Response(`${EXPERIMENTS_SOURCE};wayfind("experiments",${JSON.stringify(statuses)})`, {
    headers: {
      "content-type": "application/javascript; charset=utf-8",
      "cache-control": `public, max-age=${CONFIG_MAX_AGE}`,
      "x-content-type-options": "nosniff",
      "access-control-allow-origin": "*",
    },
  });
  if (site) ctx.waitUntil(cache.put(cacheKey(publicKey), res.clone()));
  return res;
}

/** After a status change: this data centre's cached script goes, so the next page load sees it. */
export async function forgetExperimentsScript(publicKey: string): Promise<void> {
  await caches.default.delete(cacheKey(publicKey));
}
