// Threshold alerts by email: ROI of a channel below a value over N days, spend up more than a
// percentage day over day, conversions dropped to zero. Checked hourly; at most one email per
// rule per day.
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { MODEL_NAMES } from "../../../models/attribution/paths";
import { ALERT_KINDS } from "../../../models/reports/lists";
import { type AlertRuleRow, sendsOf } from "../../../schema/queries/mail";
import {
  deleteAlertRule,
  getAlertRule,
  insertAlertRule,
  listAlertRules,
  updateAlertRule,
} from "../../../schema/queries/subscriptions";
import { requireScope, siteScope } from "../auth";
import { randomToken } from "../../../core/hash";
import { LOCALES } from "../../../core/messages";
import type { AppBindings } from "../env";
import { ApiError, validationError } from "../../shared/errors";
import { siteOr404 } from "../lib/sites";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { MailSend, RecipientLanguage, Recipients, sendView } from "./report-subscriptions";

export const alertRuleRoutes = new OpenAPIHono<AppBindings>();

const RuleInput = z
  .object({
    kind: z.enum(ALERT_KINDS),
    channel: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Required for roi_below; else all channels." }),
    threshold: z.number().finite().optional().openapi({
      description: "roi_below: the ROI floor (e.g. 1.5); spend_up: the percentage rise (e.g. 50).",
    }),
    window_days: z.number().int().min(1).max(90).default(7),
    recipients: Recipients,
    model: z.enum(MODEL_NAMES).default("last_non_direct"),
    language: RecipientLanguage.default(null),
  })
  .superRefine((r, ctx) => {
    if (r.kind === "roi_below" && !r.channel)
      ctx.addIssue({ code: "custom", path: ["channel"], message: "Required for roi_below." });
    if (r.kind !== "conversions_zero" && r.threshold === undefined) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: `Required for ${r.kind}.` });
    }
    if (r.kind === "spend_up" && (r.threshold ?? 0) <= 0) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: "A percentage above 0." });
    }
  });

function view(r: AlertRuleRow): z.infer<typeof Out> {
  return {
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    threshold: r.threshold,
    window_days: r.windowDays,
    recipients: r.recipients,
    timezone: r.timezone,
    model: r.model,
    language: r.language,
    active: r.active,
    created_at: iso(r.createdAt),
  };
}
const Out = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ description: ALERT_KINDS.join(" | ") }),
    channel: z.string().nullable(),
    threshold: z.number(),
    window_days: z.number().int(),
    recipients: z.array(z.string()),
    timezone: z.string(),
    model: z.string().openapi({ description: "The attribution model: " + MODEL_NAMES.join(" | ") }),
    language: z.enum(LOCALES).nullable().openapi({ description: "en | zh-CN; null: the site's locale." }),
    active: z.boolean(),
    created_at: z.string(),
  })
  .openapi("AlertRule");

async function find(db: SiteDatabase, scope: { siteId: string }, id: string) {
  const row = await getAlertRule(db, scope, id);
  if (!row) throw new ApiError(404, "not_found", "No such alert rule.");
  return row;
}

alertRuleRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/alert-rules",
    tags: ["Reports by email"],
    summary: "Add an alert rule (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery, body: { ...json(RuleInput), required: true } },
    responses: { 201: { description: "Created", ...json(Out) }, 400: { description: "Invalid", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const b = c.req.valid("json");
    const row: AlertRuleRow = {
      siteId: scope.siteId,
      id: `alert_${randomToken(10)}`,
      kind: b.kind,
      channel: b.channel ?? null,
      threshold: b.threshold ?? 0,
      windowDays: b.window_days,
      recipients: b.recipients.map((r) => r.toLowerCase()),
      timezone: site.timezone,
      model: b.model,
      language: b.language,
      active: true,
      createdAt: Date.now(),
    };
    await insertAlertRule(siteDatabase(c.env, row.siteId), row);
    return c.json(view(row), 201);
  },
);

alertRuleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/alert-rules",
    tags: ["Reports by email"],
    summary: "The site's alert rules (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery },
    responses: { 200: { description: "Rules", ...json(z.object({ data: z.array(Out) })) } },
  }),
  async (c) => {
    const rows = await listAlertRules(siteDatabase(c.env, siteScope(c).siteId), siteScope(c));
    return c.json({ data: rows.map(view) }, 200);
  },
);

alertRuleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/alert-rules/{id}",
    tags: ["Reports by email"],
    summary: "An alert rule with the alerts it sent (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: {
      200: { description: "Rule", ...json(Out.extend({ sends: z.array(MailSend) })) },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const row = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    return c.json(
      { ...view(row), sends: (await sendsOf(siteDatabase(c.env, scope.siteId), scope, row.id)).map(sendView) },
      200,
    );
  },
);

alertRuleRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/alert-rules/{id}",
    tags: ["Reports by email"],
    summary: "Delete an alert rule (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: { 204: { description: "Deleted" }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const row = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    await deleteAlertRule(siteDatabase(c.env, scope.siteId), scope, row.id);
    return c.body(null, 204);
  },
);

const RulePatch = z
  .object({
    kind: z.enum(ALERT_KINDS),
    channel: z.string().trim().min(1).max(64).nullable(),
    threshold: z.number().finite(),
    window_days: z.number().int().min(1).max(90),
    recipients: Recipients,
    model: z.enum(MODEL_NAMES),
    language: RecipientLanguage,
    active: z.boolean(),
  })
  .partial();

alertRuleRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/v1/alert-rules/{id}",
    tags: ["Reports by email"],
    summary: "Change an alert rule, or pause it with active: false (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery, body: { ...json(RulePatch), required: true } },
    responses: {
      200: { description: "Changed", ...json(Out) },
      400: { description: "Invalid", ...errors },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const current = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    const b = c.req.valid("json");
    // The changed rule must pass the same checks as a new one (a roi_below rule keeps a channel…).
    const merged = RuleInput.safeParse({
      kind: b.kind ?? current.kind,
      channel: (b.channel === undefined ? current.channel : b.channel) ?? undefined,
      threshold: b.threshold ?? current.threshold,
      window_days: b.window_days ?? current.windowDays,
      recipients: b.recipients ?? current.recipients,
      model: b.model ?? current.model,
      language: b.language === undefined ? current.language : b.language,
    });
    if (!merged.success) throw validationError(merged.error);
    const r = merged.data;
    const row = await updateAlertRule(siteDatabase(c.env, scope.siteId), scope, current.id, {
      kind: r.kind,
      channel: r.channel ?? null,
      threshold: r.threshold ?? 0,
      windowDays: r.window_days,
      recipients: r.recipients.map((x) => x.toLowerCase()),
      model: r.model,
      language: r.language,
      ...(b.active !== undefined && { active: b.active }),
    });
    return c.json(view(row!), 200);
  },
);
