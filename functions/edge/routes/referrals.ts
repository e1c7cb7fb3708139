// GET /r/:code: a partner's referral link. Records the click (bots are counted, not recorded) and
// redirects to the partner's landing page with ?ref=CODE, so the snippet ties the visit to the
// partner. Only pages on the site's own domains are ever targets: no open redirect. Unknown
// codes go to the site's home page, never to an error page.
import { siteDatabase, type ControlDatabase } from "../../../schema/databases";
import { OpenAPIHono } from "@hono/zod-openapi";
import { runBatch } from "../../../schema/queries/batch";
import { botHitsStatements } from "../../../schema/queries/ingest";
import { insertClick, linkByCode } from "../../../schema/queries/partners";
import { getSite, listSites, type SiteRow } from "../../../schema/queries/sites";
import { parseClient } from "../capture/enrich";
import { cookielessVisitorId } from "../../../core/hash";
import { utcDay } from "../../../core/time";
import { dailySalt } from "../../../schema/queries/salts";
import { randomToken } from "../../../core/hash";
import type { AppBindings } from "../env";
import { errorBody } from "../../shared/errors";
import { clientIp } from "../lib/request";
import { isSiteUrl } from "./partners";

export const referralRoutes = new OpenAPIHono<AppBindings>();

const CODE = /^[A-Za-z0-9_-]{2,64}$/;

function redirect(location: string): Response {
  // no-store: every click must reach us to be counted.
  return new Response(null, {
    status: 302,
    headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer-when-downgrade" },
  });
}

const home = (site: SiteRow) => `https://${site.domain}/`;

/** The site an unknown code most likely belongs to: the one whose domain this host is under, or the only one. */
async function siteForHost(db: ControlDatabase, host: string): Promise<SiteRow | undefined> {
  const sites = await listSites(db);
  return (
    sites.find((s) => host === s.domain || host.endsWith(`.${s.domain}`)) ?? (sites.length === 1 ? sites[0] : undefined)
  );
}

referralRoutes.get("/r/:code", async (c) => {
  const code = c.req.param("code");
  const link = CODE.test(code) ? await linkByCode(c.env, code) : undefined;
  const site = link
    ? await getSite(c.env.DB, { siteId: link.siteId })
    : await siteForHost(c.env.DB, new URL(c.req.url).hostname);
  if (!site) return c.json(errorBody("not_found", "No such referral link."), 404);
  if (!link || link.status !== "active" || !isSiteUrl(site, link.targetUrl)) return redirect(home(site));

  const userAgent = c.req.header("user-agent") ?? "";
  const client = parseClient(userAgent);
  const now = Date.now();
  if (client.bot) {
    await runBatch(
      siteDatabase(c.env, site.id),
      botHitsStatements(siteDatabase(c.env, site.id), { siteId: site.id }, utcDay(now), { [client.botName!]: 1 }),
    );
  } else {
    // The same cookieless id the snippet will compute for the landing page view.
    const visitorId = await cookielessVisitorId(
      await dailySalt(c.env.DB, utcDay(now)),
      site.id,
      clientIp(c.req.raw),
      userAgent,
    );
    const cf = c.req.raw.cf as { country?: string } | undefined;
    let referrerHost: string | null = null;
    try {
      referrerHost = new URL(c.req.header("referer") ?? "").hostname || null;
    } catch {
      /* no or bad referrer */
    }
    await insertClick(siteDatabase(c.env, site.id), {
      siteId: site.id,
      id: `clk_${randomToken(12)}`,
      partnerId: link.partnerId,
      code: link.code,
      ts: now,
      visitorId,
      referrerHost,
      country: cf?.country ?? null,
      device: client.device,
    });
  }
  const target = new URL(link.targetUrl);
  // Campaign tags on the link itself (utm_*) travel on; the partner code is always ours.
  for (const [k, v] of new URL(c.req.url).searchParams) if (k.startsWith("utm_")) target.searchParams.set(k, v);
  target.searchParams.set("ref", link.code);
  return redirect(target.toString());
});
