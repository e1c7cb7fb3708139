// The partner portal: what a partner key may read. Every query is bound to the key's own site and
// partner; there is no parameter that could name another.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { clickBreakdown, getPartner, linksOf } from "../../../schema/queries/partners";
import { listCommissions, listPayouts, partnerTotals } from "../../../schema/queries/payouts";
import { getSite } from "../../../schema/queries/sites";
import { partnerScope, requirePartner } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { listPage, ListQuery, respondWithPage } from "../lib/listing";
import { errors, iso, json } from "../../shared/openapi";
import { toMajor } from "../../../core/money";
import { PartnerCommission, partnerCommissionView, Payout, payoutView } from "./commissions";
import { COMMISSION_STATUSES } from "../../../schema/partner-tables";
import { ClickBreakdown, ClickQuery, Link } from "./partner-links";
import { Partner, partnerView } from "./partners";
import { DAY_MS } from "../../../core/time";

export const portalRoutes = new OpenAPIHono<AppBindings>();
const PortalList = ListQuery.omit({ site_id: true });

/** The partner's own profile: no private ratings, no learner account. */
const PortalProfile = Partner.omit({ ratings: true, user_id: true })
  .extend({
    links: z.array(Link),
    clicks: z.number().int().openapi({ description: "Human clicks on the partner's links, all time." }),
    earnings: z
      .partialRecord(
        z.enum(COMMISSION_STATUSES),
        z.object({ orders: z.number().int(), amount: z.number().openapi({ description: "In `currency`." }) }),
      )
      .openapi({ description: "Orders and commission amount per commission status; absent statuses have none." }),
    currency: z.string(),
  })
  .openapi("PartnerProfile");

async function context(c: Parameters<typeof partnerScope>[0]) {
  const scope = partnerScope(c);
  const [site, partner] = await Promise.all([
    getSite(c.env.DB, scope),
    getPartner(siteDatabase(c.env, scope.siteId), scope, scope.partnerId),
  ]);
  if (!site || !partner) throw new ApiError(404, "not_found", "This partner no longer exists.");
  return { scope, site, partner };
}

portalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/portal/me",
    tags: ["Partner portal"],
    summary: "The partner's profile, links and totals (partner key)",
    security: [{ bearer: [] }],
    middleware: [requirePartner()] as const,
    responses: {
      200: { description: "Profile", ...json(PortalProfile) },
      403: { description: "Not a partner key", ...errors },
    },
  }),
  async (c) => {
    const { scope, site, partner } = await context(c);
    const origin = new URL(c.req.url).origin;
    const totals = await partnerTotals(siteDatabase(c.env, scope.siteId), scope, scope.partnerId);
    const earnings = Object.fromEntries(
      totals.byStatus.map((r) => [r.status, { orders: r.orders, amount: toMajor(r.amountMinor, site.currency) }]),
    );
    const { ratings: _private, user_id: _user, ...profile } = partnerView(partner, origin);
    return c.json(
      {
        ...profile,
        links: (await linksOf(siteDatabase(c.env, scope.siteId), scope, scope.partnerId)).map((l) => ({
          code: l.code,
          url: `${origin}/r/${l.code}`,
          target_url: l.targetUrl,
          created_at: iso(l.createdAt),
        })),
        clicks: totals.clicks,
        earnings,
        currency: site.currency,
      },
      200,
    );
  },
);

portalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/portal/clicks",
    tags: ["Partner portal"],
    summary: "The partner's link clicks by day, link, country, device or referrer (partner key)",
    security: [{ bearer: [] }],
    middleware: [requirePartner()] as const,
    request: { query: ClickQuery },
    responses: { 200: { description: "Clicks", ...json(ClickBreakdown) } },
  }),
  async (c) => {
    const scope = partnerScope(c);
    const q = c.req.valid("query");
    const data = await clickBreakdown(
      siteDatabase(c.env, scope.siteId),
      scope,
      scope.partnerId,
      Date.now() - q.days * DAY_MS,
      q.group_by,
    );
    return c.json({ group_by: q.group_by, data }, 200);
  },
);

portalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/portal/commissions",
    tags: ["Partner portal"],
    summary: "The partner's conversions and commissions (partner key)",
    security: [{ bearer: [] }],
    middleware: [requirePartner()] as const,
    request: { query: PortalList },
    responses: { 200: { description: "Commissions", ...json(listPage(PartnerCommission)) } },
  }),
  async (c) => {
    const { scope, site } = await context(c);
    const q = c.req.valid("query");
    return respondWithPage(
      c,
      { ...q, from: q.from ?? 0 },
      (page) => listCommissions(siteDatabase(c.env, scope.siteId), scope, { partnerId: scope.partnerId }, page),
      (r) => r.purchaseTs,
      (r) => partnerCommissionView(r, site.currency),
      "commissions",
    ) as never;
  },
);

portalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/portal/payouts",
    tags: ["Partner portal"],
    summary: "The partner's payouts (partner key)",
    security: [{ bearer: [] }],
    middleware: [requirePartner()] as const,
    request: { query: PortalList },
    responses: { 200: { description: "Payouts", ...json(listPage(Payout)) } },
  }),
  async (c) => {
    const scope = partnerScope(c);
    const q = c.req.valid("query");
    return respondWithPage(
      c,
      { ...q, from: q.from ?? 0 },
      (page) => listPayouts(siteDatabase(c.env, scope.siteId), scope, { partnerId: scope.partnerId }, page),
      (p) => p.createdAt,
      payoutView,
      "payouts",
    ) as never;
  },
);
