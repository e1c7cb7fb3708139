// ROI report subscriptions: who gets which report when, a "send a test email now", and the send
// log (what went out, what failed and why, what will be retried).
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { MODEL_NAMES } from "../../../models/attribution/paths";
import { SECTIONS } from "../../../models/reports/lists";
import { FREQUENCIES } from "../../../models/reports/schedule";
import { sendsOf, type SendRow, type SubscriptionRow } from "../../../schema/queries/mail";
import {
  deleteSubscription,
  getSubscription,
  insertSubscription,
  listSubscriptions,
  updateSubscription,
} from "../../../schema/queries/subscriptions";
import { requireScope, siteScope } from "../auth";
import { LOCALES } from "../../../core/messages";
import { randomToken } from "../../../core/hash";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { previewReport, sendReportNow } from "../lib/report-renderer";
import { siteOr404 } from "../lib/sites";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { isTimeZone } from "./sites";

export const reportSubscriptionRoutes = new OpenAPIHono<AppBindings>();

export const Recipients = z.array(z.email().max(254)).min(1).max(50);
const Frequency = z.enum(FREQUENCIES);
const Weekday = z.number().int().min(1).max(7).openapi({ description: "Weekly: 1 Monday .. 7 Sunday." });
const Hour = z.number().int().min(0).max(23).openapi({ description: "Local hour the report goes out." });
const TimeZone = z.string().refine(isTimeZone, { message: "Not an IANA time zone." });
const Sections = z.array(z.enum(SECTIONS)).min(1);
const Name = z.string().trim().min(1).max(100);
/** Shared with alert rules: the recipients' language, null for the site's locale at send time. */
export const RecipientLanguage = z
  .enum(LOCALES)
  .nullable()
  .openapi({ description: "Language of the email: en | zh-CN; null (default) uses the site's locale." });

const SubscriptionInput = z
  .object({
    name: Name.default("ROI report"),
    recipients: Recipients,
    frequency: Frequency,
    weekday: Weekday.optional(),
    hour: Hour.default(8),
    timezone: TimeZone.optional().openapi({ description: "Default: the site's time zone." }),
    model: z.enum(MODEL_NAMES).default("last_non_direct"),
    sections: Sections.default([...SECTIONS]),
    language: RecipientLanguage.default(null),
    active: z.boolean().default(true),
  })
  .refine((s) => s.frequency !== "weekly" || s.weekday !== undefined, {
    path: ["weekday"],
    message: "Required for weekly reports.",
  });
const SubscriptionPatch = z.object({
  name: Name.optional(),
  recipients: Recipients.optional(),
  frequency: Frequency.optional(),
  weekday: Weekday.optional(),
  hour: Hour.optional(),
  timezone: TimeZone.optional(),
  model: z.enum(MODEL_NAMES).optional(),
  sections: Sections.optional(),
  language: RecipientLanguage.optional(),
  active: z.boolean().optional(),
});

function view(r: SubscriptionRow): z.infer<typeof Out> {
  return {
    id: r.id,
    name: r.name,
    recipients: r.recipients,
    frequency: r.frequency,
    weekday: r.weekday,
    hour: r.hour,
    timezone: r.timezone,
    model: r.model,
    sections: r.sections,
    language: r.language,
    active: r.active,
    created_at: iso(r.createdAt),
  };
}

export function sendView(s: SendRow): z.infer<typeof MailSend> {
  return {
    period: s.period,
    recipient: s.recipient,
    status: s.status,
    attempts: s.attempts,
    last_error: s.lastError,
    next_attempt_at: iso(s.nextAttemptAt),
    sent_at: iso(s.sentAt),
    message_id: s.messageId,
  };
}

const Out = z
  .object({
    id: z.string(),
    name: z.string(),
    recipients: z.array(z.string()),
    frequency: z.string().openapi({ description: FREQUENCIES.join(" | ") }),
    weekday: z.number().int().nullable().openapi({ description: "Weekly: 1 Monday .. 7 Sunday; else null." }),
    hour: z.number().int(),
    timezone: z.string(),
    model: z.string().openapi({ description: "The attribution model: " + MODEL_NAMES.join(" | ") }),
    sections: z.array(z.string()).openapi({ description: SECTIONS.join(" | ") }),
    language: z.enum(LOCALES).nullable().openapi({ description: "en | zh-CN; null: the site's locale." }),
    active: z.boolean(),
    created_at: z.string(),
  })
  .openapi("ReportSubscription");

/** One recipient's email for one period: the send log behind "what went out, what failed, what is retried". */
export const MailSend = z
  .object({
    period: z.string().openapi({ description: "The period's key; `test:<ms>` for a send-now." }),
    recipient: z.string(),
    status: z.string().openapi({ description: "sending | sent | failed | dead" }),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    sent_at: z.string().nullable(),
    message_id: z.string().nullable(),
  })
  .openapi("MailSend");

/** A send-now: the period it covered, how many recipients got it, failed, were skipped (already sent) or had unsubscribed. */
const SendNowResult = z.object({
  period: z.object({ from: z.string(), to: z.string() }).openapi({ description: "Local days, inclusive." }),
  sent: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  unsubscribed: z.number().int(),
  sends: z.array(MailSend),
});

const OutWithSends = Out.extend({ sends: z.array(MailSend) });

async function find(db: SiteDatabase, scope: { siteId: string }, id: string) {
  const row = await getSubscription(db, scope, id);
  if (!row) throw new ApiError(404, "not_found", "No such report subscription.");
  return row;
}

reportSubscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/report-subscriptions",
    tags: ["Reports by email"],
    summary: "Subscribe people to a scheduled ROI email (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery, body: { ...json(SubscriptionInput), required: true } },
    responses: { 201: { description: "Created", ...json(Out) }, 400: { description: "Invalid", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const b = c.req.valid("json");
    const now = Date.now();
    const row: SubscriptionRow = {
      siteId: scope.siteId,
      id: `sub_${randomToken(10)}`,
      name: b.name,
      recipients: b.recipients.map((r) => r.toLowerCase()),
      frequency: b.frequency,
      weekday: b.frequency === "weekly" ? b.weekday! : null,
      hour: b.hour,
      timezone: b.timezone ?? site.timezone,
      model: b.model,
      sections: b.sections,
      language: b.language,
      active: b.active,
      createdAt: now,
      updatedAt: now,
    };
    await insertSubscription(siteDatabase(c.env, row.siteId), row);
    return c.json(view(row), 201);
  },
);

reportSubscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/report-subscriptions",
    tags: ["Reports by email"],
    summary: "The site's report subscriptions (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery },
    responses: { 200: { description: "Subscriptions", ...json(z.object({ data: z.array(Out) })) } },
  }),
  async (c) => {
    const rows = await listSubscriptions(siteDatabase(c.env, siteScope(c).siteId), siteScope(c));
    return c.json({ data: rows.map(view) }, 200);
  },
);

reportSubscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/report-subscriptions/{id}",
    tags: ["Reports by email"],
    summary: "A subscription with its recent sends (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: {
      200: { description: "Subscription", ...json(OutWithSends) },
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

reportSubscriptionRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/v1/report-subscriptions/{id}",
    tags: ["Reports by email"],
    summary: "Change a subscription (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery, body: { ...json(SubscriptionPatch), required: true } },
    responses: { 200: { description: "Changed", ...json(Out) }, 400: { description: "Invalid", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const current = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    const b = c.req.valid("json");
    const frequency = b.frequency ?? current.frequency;
    const weekday = b.weekday ?? current.weekday;
    if (frequency === "weekly" && !weekday) {
      throw new ApiError(400, "validation_failed", "The request did not validate.", [
        { path: "weekday", message: "Required for weekly reports." },
      ]);
    }
    const row = await updateSubscription(siteDatabase(c.env, scope.siteId), scope, current.id, {
      ...(b.name !== undefined && { name: b.name }),
      ...(b.recipients && { recipients: b.recipients.map((r) => r.toLowerCase()) }),
      frequency,
      weekday: frequency === "weekly" ? weekday : null,
      ...(b.hour !== undefined && { hour: b.hour }),
      ...(b.timezone && { timezone: b.timezone }),
      ...(b.model && { model: b.model }),
      ...(b.sections && { sections: b.sections }),
      ...(b.language !== undefined && { language: b.language }),
      ...(b.active !== undefined && { active: b.active }),
      updatedAt: Date.now(),
    });
    return c.json(view(row!), 200);
  },
);

reportSubscriptionRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/report-subscriptions/{id}",
    tags: ["Reports by email"],
    summary: "Delete a subscription (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: { 204: { description: "Deleted" }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const row = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    await deleteSubscription(siteDatabase(c.env, scope.siteId), scope, row.id);
    return c.body(null, 204);
  },
);

reportSubscriptionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/report-subscriptions/{id}/send-now",
    tags: ["Reports by email"],
    summary: "Send the report now, as a test of the last full period (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: {
      200: { description: "What happened to each recipient", ...json(SendNowResult) },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const row = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    await siteOr404(c.env.DB, scope);
    // Rendered and sent by the recommend Worker (lib/report-renderer.ts).
    const { period, ...result } = await sendReportNow(c.env, scope, row.id);
    const sends = (await sendsOf(siteDatabase(c.env, scope.siteId), scope, row.id))
      .filter((s) => s.period === period.key)
      .map(sendView);
    return c.json({ period: { from: period.from, to: period.to }, ...result, sends }, 200);
  },
);

const ReportPreview = z
  .object({
    subject: z.string(),
    html: z.string().openapi({ description: "The HTML part, its chart images inlined as data: URLs." }),
    period: z.object({ from: z.string(), to: z.string() }).openapi({ description: "Local days, inclusive." }),
  })
  .openapi("ReportPreview");

reportSubscriptionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/report-subscriptions/{id}/preview",
    tags: ["Reports by email"],
    summary: "The email as send-now would send it (last full period), as HTML or JSON (read scope)",
    description:
      "The HTML part the mailer sends to the first recipient (their unsubscribe link included), with the " +
      "chart images inlined as data: URLs so a browser shows it on its own. Nothing is sent or recorded.",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      params: IdParam,
      query: SiteQuery.extend({ format: z.enum(["html", "json"]).default("html") }),
    },
    responses: {
      200: {
        description: "The email's HTML (format=html) or its subject, HTML and period (format=json)",
        content: { "text/html": { schema: z.string() }, "application/json": { schema: ReportPreview } },
      },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const row = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id);
    await siteOr404(c.env.DB, scope);
    const preview = await previewReport(c.env, scope, row.id);
    if (c.req.valid("query").format === "json") return c.json(preview, 200);
    // Shown on its own, the email may not run script or load anything but its inline images.
    return c.body(preview.html, 200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
    }) as never;
  },
);
