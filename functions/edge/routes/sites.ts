// Sites (tenants). Creating one needs the bootstrap admin token; a site's own admin key may read
// and change its settings.
import { isItemPathPattern } from "../capture/item-path";
import { unsafePatternReason } from "../capture/safe-pattern";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  getSite,
  insertSite,
  listSites,
  type SiteRow,
  updateSite,
  clearSiteCache,
} from "../../../schema/queries/sites";
import { PUBLIC_KEY_PREFIX, requireScope, siteScope, visibleSiteIds } from "../auth";
import { randomToken } from "../../../core/hash";
import { LOCALES } from "../../../core/messages";
import type { AppBindings } from "../env";
import { ApiError, ErrorEnvelope } from "../../shared/errors";
import { CurrencyCode } from "../capture/schemas";

export const siteRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const isRegex = (p: string) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
};
const Pattern = z
  .string()
  .min(1)
  .max(300)
  .refine(isRegex, { message: "Not a valid regular expression." })
  .superRefine((p, ctx) => {
    const unsafe = unsafePatternReason(p);
    if (unsafe) ctx.addIssue({ code: "custom", message: `${unsafe} Rewrite it without nested repeats.` });
  });
export const ChannelRuleSchema = z
  .object({
    channel: z.string().min(1).max(64),
    source: Pattern.optional(),
    medium: Pattern.optional(),
    campaign: Pattern.optional(),
  })
  .refine((r) => r.source ?? r.medium ?? r.campaign, { message: "A rule needs source, medium or campaign." })
  .openapi("ChannelRule");

const Origin = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i, "An origin: scheme, host and optional port, e.g. https://example.com");

/** A site's settings as sent: no defaults here, so a PATCH changes only the fields it names. */
const SiteFields = z.object({
  name: z.string().trim().min(1).max(100),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$|^localhost$/, "A host name, e.g. example.com"),
  allowed_origins: z.array(Origin).max(20).optional().openapi({
    description: "Origins that may post with the public key. Default: https://DOMAIN. An empty list allows any origin.",
  }),
  timezone: z.string().refine(isTimeZone, { message: "Not an IANA time zone." }),
  currency: CurrencyCode,
  locale: z.enum(LOCALES).openapi({
    description: "Language of emails and pages for people (en or zh-CN). Default: zh-CN for a CNY site, else en.",
  }),
  retention_days: z.number().int().min(30).max(3650),
  cookie_mode: z.boolean(),
  respect_dnt: z.boolean(),
  channel_rules: z.array(ChannelRuleSchema).max(50),
  lookback_days: z.number().int().min(1).max(90),
  half_life_days: z.number().positive().max(90),
  item_path_pattern: z
    .string()
    .max(200)
    .refine(isItemPathPattern, { message: 'A path with ":id" once, e.g. "/courses/:id".' })
    .nullable()
    .openapi({ description: "Course pages: their page views count as views of the course, for recommendations." }),
});

/** Creating a site: what is left out gets these defaults. */
const SiteSettings = SiteFields.extend({
  timezone: SiteFields.shape.timezone.default("UTC"),
  currency: SiteFields.shape.currency.default("USD"),
  retention_days: SiteFields.shape.retention_days.default(400),
  cookie_mode: SiteFields.shape.cookie_mode.default(false),
  respect_dnt: SiteFields.shape.respect_dnt.default(false),
  channel_rules: SiteFields.shape.channel_rules.default([]),
  lookback_days: SiteFields.shape.lookback_days.default(30),
  half_life_days: SiteFields.shape.half_life_days.default(7),
  item_path_pattern: SiteFields.shape.item_path_pattern.default(null),
  locale: SiteFields.shape.locale.optional(),
});

/**
 * Changing a site: only the fields sent. (Not SiteSettings.partial(): zod 4 still applies a field's
 * default under .partial(), so a PATCH of one field reset every other one to its default.)
 */
const SitePatch = SiteFields.partial().strict();

const Site = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    public_key: z.string().openapi({ description: "For the snippet (data-site); can only write events." }),
    allowed_origins: z.array(z.string()),
    timezone: z.string(),
    currency: z.string(),
    locale: z.enum(LOCALES),
    retention_days: z.number(),
    cookie_mode: z.boolean(),
    respect_dnt: z.boolean(),
    channel_rules: z.array(ChannelRuleSchema),
    lookback_days: z.number(),
    half_life_days: z.number(),
    item_path_pattern: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Site");

function siteView(s: SiteRow): z.infer<typeof Site> {
  return {
    id: s.id,
    name: s.name,
    domain: s.domain,
    public_key: s.publicKey,
    allowed_origins: s.allowedOrigins,
    timezone: s.timezone,
    currency: s.currency,
    locale: s.locale,
    retention_days: s.retentionDays,
    cookie_mode: s.cookieMode,
    respect_dnt: s.respectDnt,
    channel_rules: s.channelRules,
    lookback_days: s.lookbackDays,
    half_life_days: s.halfLifeDays,
    item_path_pattern: s.itemPathPattern,
    created_at: new Date(s.createdAt).toISOString(),
  };
}

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

siteRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/sites",
    tags: ["Sites and keys"],
    summary: "Create a site (bootstrap admin token)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin-token")] as const,
    request: { body: { ...json(SiteSettings), required: true } },
    responses: {
      201: { description: "Created", ...json(Site) },
      400: { description: "Invalid", ...errors },
      401: { description: "Unauthorized", ...errors },
      403: { description: "Not the admin token", ...errors },
    },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const row = {
      id: `site_${randomToken(12)}`,
      name: b.name,
      domain: b.domain,
      publicKey: `${PUBLIC_KEY_PREFIX}${randomToken(20)}`,
      allowedOrigins: b.allowed_origins ?? [`https://${b.domain}`],
      timezone: b.timezone,
      currency: b.currency,
      locale: b.locale ?? (b.currency === "CNY" ? "zh-CN" : "en"),
      retentionDays: b.retention_days,
      cookieMode: b.cookie_mode,
      respectDnt: b.respect_dnt,
      channelRules: b.channel_rules,
      lookbackDays: b.lookback_days,
      halfLifeDays: b.half_life_days,
      itemPathPattern: b.item_path_pattern,
      createdAt: Date.now(),
    };
    await insertSite(c.env.DB, row);
    return c.json(siteView(row), 201);
  },
);

siteRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/sites",
    tags: ["Sites and keys"],
    summary: "List sites (admin token: all; a site key: its own)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    responses: {
      200: { description: "Sites", ...json(z.object({ data: z.array(Site) })) },
      401: { description: "Unauthorized", ...errors },
    },
  }),
  async (c) => {
    const ids = visibleSiteIds(c.get("auth"));
    const rows =
      ids === null ? await listSites(c.env.DB) : await Promise.all(ids.map((siteId) => getSite(c.env.DB, { siteId })));
    return c.json({ data: rows.filter((r): r is SiteRow => r !== undefined).map(siteView) }, 200);
  },
);

siteRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/sites/{id}",
    tags: ["Sites and keys"],
    summary: "Get a site (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam },
    responses: {
      200: { description: "The site", ...json(Site) },
      403: { description: "Another site's key", ...errors },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("param").id);
    const site = await getSite(c.env.DB, scope);
    if (!site) throw new ApiError(404, "not_found", "No such site.");
    return c.json(siteView(site), 200);
  },
);

siteRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/v1/sites/{id}",
    tags: ["Sites and keys"],
    summary: "Change a site's settings (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, body: { ...json(SitePatch), required: true } },
    responses: {
      200: { description: "The updated site", ...json(Site) },
      400: { description: "Invalid", ...errors },
      403: { description: "Another site's key", ...errors },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("param").id);
    const b = c.req.valid("json");
    const patch = {
      ...(b.name !== undefined && { name: b.name }),
      ...(b.domain !== undefined && { domain: b.domain }),
      ...(b.allowed_origins !== undefined && { allowedOrigins: b.allowed_origins }),
      ...(b.timezone !== undefined && { timezone: b.timezone }),
      ...(b.currency !== undefined && { currency: b.currency }),
      ...(b.locale !== undefined && { locale: b.locale }),
      ...(b.retention_days !== undefined && { retentionDays: b.retention_days }),
      ...(b.cookie_mode !== undefined && { cookieMode: b.cookie_mode }),
      ...(b.respect_dnt !== undefined && { respectDnt: b.respect_dnt }),
      ...(b.channel_rules !== undefined && { channelRules: b.channel_rules }),
      ...(b.lookback_days !== undefined && { lookbackDays: b.lookback_days }),
      ...(b.half_life_days !== undefined && { halfLifeDays: b.half_life_days }),
      ...(b.item_path_pattern !== undefined && { itemPathPattern: b.item_path_pattern }),
    };
    const site = Object.keys(patch).length ? await updateSite(c.env.DB, scope, patch) : await getSite(c.env.DB, scope);
    if (!site) throw new ApiError(404, "not_found", "No such site.");
    clearSiteCache();
    return c.json(siteView(site), 200);
  },
);
