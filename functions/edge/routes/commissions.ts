// Commission records (pending -> approved -> paid; reversed; clawbacks) and payouts: batch approved
// commissions per partner above the program's minimum, mark paid with a reference, export as CSV.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { settleOrders } from "../../../jobs/commissions";
import { COMMISSION_STATUSES } from "../../../schema/partner-tables";
import { getPartner, getProgram } from "../../../schema/queries/partners";
import {
  type CommissionRow,
  createPayout,
  listCommissions,
  listPayouts,
  markPaid,
  payableTotals,
  type PayoutRow,
} from "../../../schema/queries/payouts";
import { requireScope, siteScope } from "../auth";
import { randomToken } from "../../../core/hash";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { siteOr404 } from "../lib/sites";
import { listPage, ListQuery, respondWithPage } from "../lib/listing";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { toMajor } from "../../../core/money";

export const commissionRoutes = new OpenAPIHono<AppBindings>();

const Minor = z.number().int().openapi({ description: "Minor units (cents, fen)." });

/** A commission as its partner sees it (portal): no learner, no marketing channel. */
export const PartnerCommission = z
  .object({
    id: z.string(),
    partner_id: z.string(),
    order_id: z.string(),
    kind: z.string().openapi({ description: "referral | second_level | creator_share | clawback" }),
    status: z.string().openapi({ description: COMMISSION_STATUSES.join(" | ") }),
    reason: z.string().nullable(),
    amount: z.number().openapi({ description: "Major units of `currency`; negative for a clawback." }),
    amount_minor: Minor,
    base: z.number().openapi({ description: "The order amount the commission was computed on." }),
    currency: z.string(),
    purchase_time: z.string(),
    hold_until: z.string(),
    payout_id: z.string().nullable(),
    partner_code: z.string().nullable(),
  })
  .openapi("PartnerCommission");
export type PartnerCommission = z.infer<typeof PartnerCommission>;

/** A commission record with who bought and through which channel (site keys). */
export const Commission = PartnerCommission.extend({
  learner: z.string().openapi({ description: "The purchaser: user id, else visitor id." }),
  channel: z.string().nullable(),
  source: z.string().nullable(),
  campaign: z.string().nullable(),
}).openapi("Commission");
export type Commission = z.infer<typeof Commission>;

export const Payout = z
  .object({
    id: z.string(),
    partner_id: z.string(),
    partner_name: z.string().nullable(),
    partner_email: z.string().nullable(),
    amount: z.number(),
    amount_minor: Minor,
    currency: z.string(),
    commissions: z.number().int().openapi({ description: "How many commission records it pays." }),
    status: z.string().openapi({ description: "pending | paid" }),
    reference: z.string().nullable(),
    created_at: z.string(),
    paid_at: z.string().nullable(),
  })
  .openapi("Payout");
export type Payout = z.infer<typeof Payout>;

/** What a partner may see of its commission: not who bought. */
export function partnerCommissionView(r: CommissionRow, currency: string): PartnerCommission {
  return {
    id: r.id,
    partner_id: r.partnerId,
    order_id: r.orderId,
    kind: r.kind,
    status: r.status,
    reason: r.reason,
    amount: toMajor(r.amountMinor, currency),
    amount_minor: r.amountMinor,
    base: toMajor(r.baseMinor, currency),
    currency,
    purchase_time: iso(r.purchaseTs),
    hold_until: iso(r.holdUntil),
    payout_id: r.payoutId,
    partner_code: r.partnerCode,
  };
}

export function commissionView(r: CommissionRow, currency: string): Commission {
  return {
    ...partnerCommissionView(r, currency),
    learner: r.learner,
    channel: r.channel,
    source: r.source,
    campaign: r.campaign,
  };
}

export function payoutView(p: PayoutRow): Payout {
  return {
    id: p.id,
    partner_id: p.partnerId,
    partner_name: p.partnerName,
    partner_email: p.partnerEmail,
    amount: toMajor(p.amountMinor, p.currency),
    amount_minor: p.amountMinor,
    currency: p.currency,
    commissions: p.commissions,
    status: p.status,
    reference: p.reference,
    created_at: iso(p.createdAt),
    paid_at: iso(p.paidAt),
  };
}

commissionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/commissions",
    tags: ["Partners"],
    summary: "Commission records by purchase time, as JSON pages, NDJSON or CSV (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      query: ListQuery.extend({
        partner_id: z.string().max(64).optional(),
        status: z.enum(COMMISSION_STATUSES).optional(),
        payout_id: z.string().max(64).optional(),
      }),
    },
    responses: {
      200: { description: "Commissions", ...json(listPage(Commission)) },
      400: { description: "Invalid", ...errors },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const filter = { partnerId: q.partner_id, status: q.status, payoutId: q.payout_id };
    return respondWithPage(
      c,
      { ...q, from: q.from ?? 0 },
      (page) => listCommissions(siteDatabase(c.env, scope.siteId), scope, filter, page),
      (r) => r.purchaseTs,
      (r) => commissionView(r, site.currency),
      "commissions",
    ) as never;
  },
);

commissionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/commissions/reprocess",
    tags: ["Partners"],
    summary:
      "Settle orders again (idempotent: a settled order never pays twice; held ones are recomputed) (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      query: SiteQuery,
      body: { ...json(z.object({ order_ids: z.array(z.string().min(1).max(128)).min(1).max(1000) })), required: true },
    },
    responses: { 200: { description: "Done", ...json(z.object({ orders: z.number() })) } },
  }),
  async (c) => {
    const scope = siteScope(c);
    await siteOr404(c.env.DB, scope);
    const orders = await settleOrders(c.env, scope, c.req.valid("json").order_ids, Date.now());
    return c.json({ orders }, 200);
  },
);

commissionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/payouts",
    tags: ["Partners"],
    summary: "Batch each partner's approved commissions into a payout, if at least the program's minimum (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      query: SiteQuery,
      body: { ...json(z.object({ partner_id: z.string().min(1).max(64).optional() })), required: true },
    },
    responses: {
      201: { description: "Payouts created", ...json(z.object({ data: z.array(Payout) })) },
      404: { description: "Unknown partner", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const { partner_id } = c.req.valid("json");
    if (partner_id && !(await getPartner(siteDatabase(c.env, scope.siteId), scope, partner_id)))
      throw new ApiError(404, "not_found", "No such partner.");
    const program = await getProgram(siteDatabase(c.env, scope.siteId), scope);
    const now = Date.now();
    const ids: string[] = [];
    for (const t of await payableTotals(siteDatabase(c.env, scope.siteId), scope, partner_id)) {
      // A net total of zero or less (clawbacks) waits for more earnings; so does one under the minimum.
      if (t.total <= 0 || t.total < program.payoutMinimumMinor) continue;
      const id = `pay_${randomToken(10)}`;
      await createPayout(siteDatabase(c.env, scope.siteId), scope, id, t.partner_id, site.currency, now);
      ids.push(id);
    }
    const created = [];
    for (const id of ids)
      created.push(
        ...(await listPayouts(siteDatabase(c.env, scope.siteId), scope, { id }, { from: 0, to: now + 1, limit: 1 })),
      );
    return c.json({ data: created.map(payoutView) }, 201);
  },
);

commissionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/payouts",
    tags: ["Partners"],
    summary: "Payouts, as JSON pages, NDJSON or CSV for the finance team (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: ListQuery.extend({ partner_id: z.string().max(64).optional() }) },
    responses: { 200: { description: "Payouts", ...json(listPage(Payout)) } },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const scope = siteScope(c);
    return respondWithPage(
      c,
      { ...q, from: q.from ?? 0 },
      (page) => listPayouts(siteDatabase(c.env, scope.siteId), scope, { partnerId: q.partner_id }, page),
      (p) => p.createdAt,
      payoutView,
      "payouts",
    ) as never;
  },
);

commissionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/payouts/{id}/paid",
    tags: ["Partners"],
    summary: "Mark a payout paid, with the bank or payment reference (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      params: IdParam,
      query: SiteQuery,
      body: { ...json(z.object({ reference: z.string().trim().min(1).max(200) })), required: true },
    },
    responses: {
      200: { description: "Paid", ...json(Payout) },
      404: { description: "Unknown", ...errors },
      409: { description: "Already paid", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const id = c.req.valid("param").id;
    const now = Date.now();
    const [payout] = await listPayouts(
      siteDatabase(c.env, scope.siteId),
      scope,
      { id },
      { from: 0, to: now + 1, limit: 1 },
    );
    if (!payout) throw new ApiError(404, "not_found", "No such payout.");
    if (!(await markPaid(siteDatabase(c.env, scope.siteId), scope, id, c.req.valid("json").reference, now))) {
      throw new ApiError(409, "conflict", "This payout is already paid.");
    }
    const [paid] = await listPayouts(
      siteDatabase(c.env, scope.siteId),
      scope,
      { id },
      { from: 0, to: now + 1, limit: 1 },
    );
    return c.json(payoutView(paid!), 200);
  },
);
