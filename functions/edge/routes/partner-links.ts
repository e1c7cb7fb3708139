// A partner's referral links (one per landing page, each with its own code), their clicks, and its
// portal keys.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { insertKey } from "../../../schema/queries/keys";
import { CLICK_GROUPS, clickBreakdown, getPartner, insertLink, linksOf } from "../../../schema/queries/partners";
import { requireScope, siteScope } from "../auth";
import { randomToken, sha256Hex } from "../../../core/hash";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { siteOr404 } from "../lib/sites";
import { Code, isSiteUrl } from "./partners";
import { DAY_MS } from "../../../core/time";

export const partnerLinkRoutes = new OpenAPIHono<AppBindings>();

export const ClickQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  group_by: z.enum(Object.keys(CLICK_GROUPS) as [keyof typeof CLICK_GROUPS]).default("day"),
});
export const ClickBreakdown = z
  .object({
    group_by: z.string(),
    data: z.array(z.object({ key: z.string(), clicks: z.number(), visitors: z.number() })),
  })
  .openapi("ClickBreakdown");

partnerLinkRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/partners/{id}/clicks",
    tags: ["Partners"],
    summary: "A partner's link clicks by day, link, country, device or referrer (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: ClickQuery.extend({ site_id: z.string().optional() }) },
    responses: { 200: { description: "Clicks", ...json(ClickBreakdown) }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const db = siteDatabase(c.env, scope.siteId);
    const partner = await getPartner(db, scope, c.req.valid("param").id);
    if (!partner) throw new ApiError(404, "not_found", "No such partner.");
    const q = c.req.valid("query");
    const data = await clickBreakdown(db, scope, partner.id, Date.now() - q.days * DAY_MS, q.group_by);
    return c.json({ group_by: q.group_by, data }, 200);
  },
);

export const Link = z
  .object({ code: z.string(), url: z.string(), target_url: z.string(), created_at: z.string() })
  .openapi("ReferralLink");

partnerLinkRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/partners/{id}/links",
    tags: ["Partners"],
    summary: "Add a referral link to another landing page (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      params: IdParam,
      query: SiteQuery,
      body: {
        ...json(z.object({ code: Code.optional(), target_url: z.url({ protocol: /^https?$/ }).max(2048) })),
        required: true,
      },
    },
    responses: {
      201: { description: "Created", ...json(Link) },
      400: { description: "Invalid", ...errors },
      404: { description: "Unknown partner", ...errors },
      409: { description: "Code taken", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const partner = await getPartner(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    if (!partner) throw new ApiError(404, "not_found", "No such partner.");
    const b = c.req.valid("json");
    if (!isSiteUrl(site, b.target_url)) {
      throw new ApiError(400, "validation_failed", "Referral links may only lead to the site's own domains.", [
        { path: "target_url", message: `Use a page on ${site.domain} or an allowed origin.` },
      ]);
    }
    const row = {
      code: b.code ?? randomToken(8).toLowerCase(),
      siteId: scope.siteId,
      partnerId: partner.id,
      targetUrl: b.target_url,
      createdAt: Date.now(),
    };
    if (!(await insertLink(c.env, row))) {
      throw new ApiError(409, "conflict", "That referral code is taken.", [
        { path: "code", message: "Choose another." },
      ]);
    }
    const origin = new URL(c.req.url).origin;
    return c.json(
      { code: row.code, url: `${origin}/r/${row.code}`, target_url: row.targetUrl, created_at: iso(row.createdAt)! },
      201,
    );
  },
);

partnerLinkRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/partners/{id}/links",
    tags: ["Partners"],
    summary: "A partner's referral links (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: { 200: { description: "Links", ...json(z.object({ data: z.array(Link) })) } },
  }),
  async (c) => {
    const origin = new URL(c.req.url).origin;
    const links = await linksOf(siteDatabase(c.env, siteScope(c).siteId), siteScope(c), c.req.valid("param").id);
    const data = links.map((l) => ({
      code: l.code,
      url: `${origin}/r/${l.code}`,
      target_url: l.targetUrl,
      created_at: iso(l.createdAt)!,
    }));
    return c.json({ data }, 200);
  },
);

partnerLinkRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/partners/{id}/keys",
    tags: ["Partners"],
    summary: "Create a partner portal key: it reads only this partner's records (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: {
      201: {
        description: "Created; the key is shown only here",
        ...json(z.object({ id: z.string(), key: z.string() })),
      },
      404: { description: "Unknown partner", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const partner = await getPartner(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    if (!partner) throw new ApiError(404, "not_found", "No such partner.");
    const key = `wf_pp_${randomToken(32)}`;
    const id = `key_${randomToken(12)}`;
    await insertKey(c.env.DB, {
      id,
      siteId: scope.siteId,
      name: `partner ${partner.name}`,
      prefix: key.slice(0, 10),
      hash: await sha256Hex(key),
      scopes: "partner",
      partnerId: partner.id,
      createdAt: Date.now(),
    });
    return c.json({ id, key }, 201);
  },
);
