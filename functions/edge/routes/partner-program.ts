// A site's partner program settings (binding, levels, holding period, payout minimum, scorecard
// weights) and its commission rules. Rule changes apply to orders settled afterwards.
import { siteDatabase, type ControlDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { BINDINGS, RULE_BASES } from "../../../models/partners/commission";
import { CRITERIA, DEFAULT_WEIGHTS, METRICS } from "../../../models/partners/scorecard";
import {
  getPartner,
  getProgram,
  insertRule,
  listRules,
  type RuleRow,
  saveProgram,
  type ProgramRow,
  updateRule,
} from "../../../schema/queries/partners";
import { requireScope, siteScope } from "../auth";
import { randomToken } from "../../../core/hash";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { siteOr404 } from "../lib/sites";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { MAX_MONEY_AMOUNT, toMajor, toMinor } from "../../../core/money";

export const partnerProgramRoutes = new OpenAPIHono<AppBindings>();

const Weights = z
  .object(Object.fromEntries([...CRITERIA, ...METRICS].map((k) => [k, z.number().min(0).max(10).optional()])))
  .strict();
const ProgramInput = z
  .object({
    binding: z.enum(BINDINGS).openapi({
      description: "first: the first referrer keeps the learner (绑定); last: the latest within cookie_days.",
    }),
    binding_days: z.number().int().min(1).max(3650),
    cookie_days: z.number().int().min(1).max(365),
    levels: z.union([z.literal(1), z.literal(2)]).openapi({ description: "2 enables second-level shares (二级分销)." }),
    holding_days: z.number().int().min(0).max(365),
    payout_minimum: z.number().min(0).max(MAX_MONEY_AMOUNT),
    score_weights: Weights,
  })
  .partial();

function programView(p: ProgramRow, currency: string): z.infer<typeof Program> {
  return {
    binding: p.binding,
    binding_days: p.bindingDays,
    cookie_days: p.cookieDays,
    levels: p.levels,
    holding_days: p.holdingDays,
    payout_minimum: toMajor(p.payoutMinimumMinor, currency),
    currency,
    score_weights: { ...DEFAULT_WEIGHTS, ...p.scoreWeights },
  };
}
const Program = z
  .object({
    binding: z.enum(["first", "last"]),
    binding_days: z.number().int(),
    cookie_days: z.number().int(),
    levels: z.number().int().openapi({ description: "1, or 2 with second-level shares." }),
    holding_days: z.number().int(),
    payout_minimum: z.number().openapi({ description: "In `currency`." }),
    currency: z.string(),
    score_weights: z
      .object(Object.fromEntries([...CRITERIA, ...METRICS].map((k) => [k, z.number()])))
      .openapi({ description: "Weight of each scorecard criterion in the composite score." }),
  })
  .openapi("PartnerProgram");

const siteCurrency = async (db: ControlDatabase, scope: { siteId: string }) => (await siteOr404(db, scope)).currency;

partnerProgramRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/partner-program",
    tags: ["Partners"],
    summary: "The site's partner program settings (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery },
    responses: { 200: { description: "Settings", ...json(Program) } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const currency = await siteCurrency(c.env.DB, scope);
    return c.json(programView(await getProgram(siteDatabase(c.env, scope.siteId), scope), currency), 200);
  },
);

partnerProgramRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/v1/partner-program",
    tags: ["Partners"],
    summary: "Change the partner program settings (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery, body: { ...json(ProgramInput), required: true } },
    responses: { 200: { description: "Settings", ...json(Program) }, 400: { description: "Invalid", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const currency = site.currency;
    const b = c.req.valid("json");
    const current = await getProgram(siteDatabase(c.env, scope.siteId), scope);
    const next: ProgramRow = {
      ...current,
      ...(b.binding && { binding: b.binding }),
      ...(b.binding_days && { bindingDays: b.binding_days }),
      ...(b.cookie_days && { cookieDays: b.cookie_days }),
      ...(b.levels && { levels: b.levels }),
      ...(b.holding_days !== undefined && { holdingDays: b.holding_days }),
      ...(b.payout_minimum !== undefined && { payoutMinimumMinor: toMinor(b.payout_minimum, currency) }),
      ...(b.score_weights && { scoreWeights: { ...current.scoreWeights, ...b.score_weights } }),
      updatedAt: Date.now(),
    };
    // Binding reads past visits: they must still be there (the retention cron deletes older ones).
    for (const [field, days] of [
      ["binding_days", next.bindingDays],
      ["cookie_days", next.cookieDays],
    ] as const) {
      if (days > site.retentionDays) {
        throw new ApiError(400, "validation_failed", "The window is longer than the site keeps visits.", [
          { path: field, message: `At most the site's retention_days (${site.retentionDays}).` },
        ]);
      }
    }
    await saveProgram(siteDatabase(c.env, next.siteId), next);
    return c.json(programView(next, currency), 200);
  },
);

const Percent = z.number().gt(0).max(100);
const Money = z.number().gt(0).max(MAX_MONEY_AMOUNT);
const Tier = z
  .object({ from: z.number().min(0).max(MAX_MONEY_AMOUNT), percent: Percent.optional(), flat: Money.optional() })
  .refine((t) => (t.percent === undefined) !== (t.flat === undefined), { message: "A tier has percent or flat." });
const RuleInput = z
  .object({
    partner_id: z.string().min(1).max(64).optional(),
    partner_group: z.string().min(1).max(64).optional(),
    basis: z
      .enum(RULE_BASES)
      .default("referral")
      .openapi({ description: "creator: a share of the partner's own items." }),
    level: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .openapi({ description: "2: the parent's share of its sub-partners' sales." }),
    percent: Percent.optional(),
    flat: Money.optional().openapi({
      description: "In the site's currency: per order, or per unit when the rule targets an item or category.",
    }),
    item_id: z.string().min(1).max(128).optional(),
    category: z.string().min(1).max(128).optional(),
    tiers: z
      .array(Tier)
      .max(20)
      .default([])
      .openapi({ description: "Rate by the partner's sales this month, e.g. [{from: 10000, percent: 30}]." }),
    recurring_months: z.number().int().min(0).max(120).nullable().default(null).openapi({
      description:
        "null: every referred purchase; 0: the first only (one-time); N: purchases within N months of the first.",
    }),
    holding_days: z.number().int().min(0).max(365).optional(),
  })
  .superRefine((r, ctx) => {
    const flag = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if ((r.percent === undefined) === (r.flat === undefined)) flag("percent", "Give exactly one of percent or flat.");
    if (r.partner_id && r.partner_group) flag("partner_group", "Give partner_id or partner_group, not both.");
    if (r.item_id && r.category) flag("category", "Give item_id or category, not both.");
    if (r.basis === "creator" && r.level !== 1) flag("level", "Creator shares have one level.");
  });

function ruleView(r: RuleRow, currency: string): z.infer<typeof RuleOut> {
  return {
    id: r.id,
    partner_id: r.partnerId,
    partner_group: r.partnerGroup,
    basis: r.basis,
    level: r.level,
    percent: r.rateBps === null ? null : r.rateBps / 100,
    flat: r.flatMinor === null ? null : toMajor(r.flatMinor, currency),
    item_id: r.itemId,
    category: r.category,
    tiers: r.tiers.map((t) => ({
      from: toMajor(t.fromMinor, currency),
      percent: t.rateBps === undefined ? null : t.rateBps / 100,
      flat: t.flatMinor === undefined ? null : toMajor(t.flatMinor, currency),
    })),
    recurring_months: r.recurringMonths,
    holding_days: r.holdingDays,
    active: r.active,
    created_at: iso(r.createdAt),
  };
}
const RuleOut = z
  .object({
    id: z.string(),
    partner_id: z.string().nullable(),
    partner_group: z.string().nullable(),
    basis: z.string().openapi({ description: "referral | creator" }),
    level: z.number().int(),
    percent: z.number().nullable(),
    flat: z.number().nullable().openapi({ description: "In the site's currency." }),
    item_id: z.string().nullable(),
    category: z.string().nullable(),
    tiers: z.array(z.object({ from: z.number(), percent: z.number().nullable(), flat: z.number().nullable() })),
    recurring_months: z.number().int().nullable(),
    holding_days: z.number().int().nullable(),
    active: z.boolean(),
    created_at: z.string(),
  })
  .openapi("CommissionRule");

partnerProgramRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/commission-rules",
    tags: ["Partners"],
    summary: "Add a commission rule (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery, body: { ...json(RuleInput), required: true } },
    responses: { 201: { description: "Created", ...json(RuleOut) }, 400: { description: "Invalid", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const currency = await siteCurrency(c.env.DB, scope);
    const b = c.req.valid("json");
    if (b.partner_id && !(await getPartner(siteDatabase(c.env, scope.siteId), scope, b.partner_id))) {
      throw new ApiError(400, "validation_failed", "No such partner.", [
        { path: "partner_id", message: "Unknown partner in this site." },
      ]);
    }
    const bps = (p: number) => Math.round(p * 100);
    const row: RuleRow = {
      siteId: scope.siteId,
      id: `rule_${randomToken(10)}`,
      partnerId: b.partner_id ?? null,
      partnerGroup: b.partner_group ?? null,
      basis: b.basis,
      level: b.level,
      kind: b.percent !== undefined ? "percent" : "flat",
      rateBps: b.percent !== undefined ? bps(b.percent) : null,
      flatMinor: b.flat !== undefined ? toMinor(b.flat, currency) : null,
      itemId: b.item_id ?? null,
      category: b.category ?? null,
      tiers: b.tiers.map((t) => ({
        fromMinor: toMinor(t.from, currency),
        ...(t.percent !== undefined && { rateBps: bps(t.percent) }),
        ...(t.flat !== undefined && { flatMinor: toMinor(t.flat, currency) }),
      })),
      recurringMonths: b.recurring_months,
      holdingDays: b.holding_days ?? null,
      active: true,
      createdAt: Date.now(),
    };
    await insertRule(siteDatabase(c.env, row.siteId), row);
    return c.json(ruleView(row, currency), 201);
  },
);

partnerProgramRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/commission-rules",
    tags: ["Partners"],
    summary: "The site's commission rules (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery },
    responses: { 200: { description: "Rules", ...json(z.object({ data: z.array(RuleOut) })) } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const currency = await siteCurrency(c.env.DB, scope);
    return c.json(
      { data: (await listRules(siteDatabase(c.env, scope.siteId), scope)).map((r) => ruleView(r, currency)) },
      200,
    );
  },
);

partnerProgramRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/v1/commission-rules/{id}",
    tags: ["Partners"],
    summary: "Switch a rule on or off (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      params: IdParam,
      query: SiteQuery,
      body: { ...json(z.object({ active: z.boolean() })), required: true },
    },
    responses: { 200: { description: "Changed", ...json(RuleOut) }, 404: { description: "Unknown", ...errors } },
  }),
  async (c) => {
    const scope = siteScope(c);
    const currency = await siteCurrency(c.env.DB, scope);
    const row = await updateRule(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").id, {
      active: c.req.valid("json").active,
    });
    if (!row) throw new ApiError(404, "not_found", "No such rule.");
    return c.json(ruleView(row, currency), 200);
  },
);
