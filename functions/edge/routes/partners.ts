// Partners of a site: creators, affiliates (推广员), vendors and advertisers. Reads need the read
// scope, changes the admin scope. Their extra links and portal keys: partner-links.ts.
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getPartner, insertPartner, type PartnerRow, updatePartner } from "../../../schema/queries/partners";
import type { SiteRow } from "../../../schema/queries/sites";
import { PARTNER_STATUSES, PARTNER_TYPES } from "../../../schema/partner-tables";
import { requireScope, siteScope } from "../auth";
import { randomToken } from "../../../core/hash";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { siteOr404 } from "../lib/sites";
import { errors, IdParam, iso, json, patchOf, SiteQuery } from "../../shared/openapi";
import { CRITERIA } from "../../../models/partners/scorecard";

export const partnerRoutes = new OpenAPIHono<AppBindings>();

export const Code = z
  .string()
  .regex(/^[A-Za-z0-9_-]{2,64}$/, "2-64 letters, digits, _ or -.")
  .transform((s) => s.toLowerCase());
const Rating = z.number().int().min(1).max(5);
export const Ratings = z.object(Object.fromEntries(CRITERIA.map((k) => [k, Rating.optional()]))).strict();

const PartnerInput = z.object({
  type: z.enum(PARTNER_TYPES),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).optional(),
  status: z.enum(PARTNER_STATUSES).default("active"),
  parent_id: z.string().min(1).max(64).nullable().optional(),
  group: z.string().trim().min(1).max(64).nullable().optional(),
  user_id: z.string().trim().min(1).max(128).nullable().optional().openapi({
    description: "The partner's own learner account: its purchases are self-referrals and earn nothing.",
  }),
  code: Code.optional().openapi({ description: "Referral code (?ref=CODE, /r/CODE). Default: generated." }),
  target_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .openapi({
      description: "Where /r/CODE lands: a page on one of the site's domains. Default: the site's home.",
    }),
  ratings: Ratings.optional(),
});
const PartnerPatch = patchOf(PartnerInput.omit({ code: true, target_url: true }));

export const Partner = z
  .object({
    id: z.string(),
    type: z.enum(PARTNER_TYPES),
    name: z.string(),
    email: z.string().nullable(),
    status: z.enum(PARTNER_STATUSES),
    parent_id: z.string().nullable(),
    group: z.string().nullable(),
    user_id: z.string().nullable(),
    code: z.string(),
    referral_url: z.string(),
    ratings: z.record(z.string(), z.number()),
    created_at: z.string(),
  })
  .openapi("Partner");

export function partnerView(p: PartnerRow, origin: string) {
  return {
    id: p.id,
    type: p.type,
    name: p.name,
    email: p.email,
    status: p.status,
    parent_id: p.parentId,
    group: p.groupName,
    user_id: p.userId,
    code: p.code,
    referral_url: `${origin}/r/${p.code}`,
    ratings: p.ratings,
    created_at: iso(p.createdAt)!,
  };
}

/** Hosts a referral link may send people to: the site's domain (and subdomains) and allowed origins. */
export function isSiteUrl(site: SiteRow, url: string): boolean {
  const host = new URL(url).hostname.toLowerCase();
  const hosts = [site.domain, ...site.allowedOrigins.map((o) => new URL(o).hostname)];
  return hosts.some((h) => host === h || host.endsWith(`.${h}`));
}

/** A parent must exist in the site and must not be the partner or one of its descendants. */
async function checkParent(db: SiteDatabase, scope: { siteId: string }, id: string | null, parentId: string) {
  let current: string | null = parentId;
  for (let depth = 0; current && depth < 20; depth++) {
    if (current === id) {
      throw new ApiError(400, "validation_failed", "A partner cannot be its own ancestor.", [
        { path: "parent_id", message: "Would make a cycle." },
      ]);
    }
    const parent = await getPartner(db, scope, current);
    if (!parent) {
      throw new ApiError(400, "validation_failed", "No such parent partner.", [
        { path: "parent_id", message: "Unknown partner in this site." },
      ]);
    }
    current = parent.parentId;
  }
}

partnerRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/partners",
    tags: ["Partners"],
    summary: "Add a partner with its referral code (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery, body: { ...json(PartnerInput), required: true } },
    responses: {
      201: { description: "Created", ...json(Partner) },
      400: { description: "Invalid", ...errors },
      409: { description: "Code taken", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const b = c.req.valid("json");
    const id = `ptr_${randomToken(10)}`;
    if (b.parent_id) await checkParent(siteDatabase(c.env, scope.siteId), scope, id, b.parent_id);
    const target = b.target_url ?? `https://${site.domain}/`;
    if (!isSiteUrl(site, target)) {
      throw new ApiError(400, "validation_failed", "Referral links may only lead to the site's own domains.", [
        { path: "target_url", message: `Use a page on ${site.domain} or an allowed origin.` },
      ]);
    }
    const now = Date.now();
    const row: PartnerRow = {
      siteId: scope.siteId,
      id,
      type: b.type,
      name: b.name,
      email: b.email ?? null,
      status: b.status,
      parentId: b.parent_id ?? null,
      groupName: b.group ?? null,
      userId: b.user_id ?? null,
      code: b.code ?? randomToken(8).toLowerCase(),
      ratings: b.ratings ?? {},
      createdAt: now,
      updatedAt: now,
    };
    if (!(await insertPartner(c.env, row, target))) {
      throw new ApiError(409, "conflict", "That referral code is taken.", [
        { path: "code", message: "Choose another." },
      ]);
    }
    return c.json(partnerView(row, new URL(c.req.url).origin), 201);
  },
);

partnerRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/partners/{id}",
    tags: ["Partners"],
    summary: "Get a partner (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: { 200: { description: "The partner", ...json(Partner) }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const partner = await getPartner(siteDatabase(c.env, siteScope(c).siteId), siteScope(c), c.req.valid("param").id);
    if (!partner) throw new ApiError(404, "not_found", "No such partner.");
    return c.json(partnerView(partner, new URL(c.req.url).origin), 200);
  },
);

partnerRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/v1/partners/{id}",
    tags: ["Partners"],
    summary: "Change a partner: status, parent, group, ratings (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery, body: { ...json(PartnerPatch), required: true } },
    responses: { 200: { description: "Changed", ...json(Partner) }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const id = c.req.valid("param").id;
    const current = await getPartner(siteDatabase(c.env, scope.siteId), scope, id);
    if (!current) throw new ApiError(404, "not_found", "No such partner.");
    const b = c.req.valid("json");
    if (b.parent_id) await checkParent(siteDatabase(c.env, scope.siteId), scope, id, b.parent_id);
    const ratings = b.ratings ? { ...current.ratings, ...b.ratings } : undefined;
    const row = await updatePartner(siteDatabase(c.env, scope.siteId), scope, id, {
      ...(b.type !== undefined && { type: b.type }),
      ...(b.name !== undefined && { name: b.name }),
      ...(b.email !== undefined && { email: b.email }),
      ...(b.status !== undefined && { status: b.status }),
      ...(b.parent_id !== undefined && { parentId: b.parent_id }),
      ...(b.group !== undefined && { groupName: b.group }),
      ...(b.user_id !== undefined && { userId: b.user_id }),
      ...(ratings && { ratings }),
      updatedAt: Date.now(),
    });
    return c.json(partnerView(row!, new URL(c.req.url).origin), 200);
  },
);
