// GET /api/v1/reports/budget: how to move a daily budget between channels to raise total return,
// from each channel's fitted spend -> revenue curve, with the expected change and its uncertainty.
// It refuses to extrapolate far past observed spend, and says so.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  ALLOCATION_STEPS,
  allocate,
  EXTRAPOLATION_CAP,
  fitCurve,
  MIN_SPEND_DAYS,
  predict,
  type DailyPoint,
  type ResponseCurve,
} from "../../../models/attribution/budget";
import { MODEL_NAMES } from "../../../models/attribution/paths";
import { MAX_MONEY_AMOUNT, toMajor } from "../../../core/money";
import { requireScope, siteScope } from "../auth";
import { addDays, daysBetween, localDay } from "../../../core/time";
import type { AppBindings } from "../env";
import { ErrorEnvelope } from "../../shared/errors";
import { roiFigures } from "../../../jobs/roi";
import { ReportIssue } from "../lib/roi-schemas";
import { loadSite } from "./reports";

export const budgetRoutes = new OpenAPIHono<AppBindings>();

const round2 = (n: number) => Math.round(n * 100) / 100;

const Day = z.string().openapi({ description: "A local day, YYYY-MM-DD." });
const BudgetAdvice = z
  .object({
    currency: z.string(),
    model: z.enum(MODEL_NAMES),
    from: Day,
    to: Day,
    days_covered: z
      .number()
      .int()
      .openapi({
        description:
          "Days the daily figures average over: from the window's first day with spend or traffic to `to`, " +
          "so a site with 30 days of data is not averaged over a 90-day window (0: no data).",
      }),
    daily_budget: z.number(),
    channels: z.array(
      z.object({
        channel: z.string(),
        current_daily_spend: z.number(),
        suggested_daily_spend: z.number(),
        change: z.number(),
        expected_daily_revenue: z.object({ current: z.number(), suggested: z.number() }),
        fit: z
          .object({ a: z.number(), b: z.number(), r2: z.number(), days_with_spend: z.number().int() })
          .openapi({ description: "The fitted curve revenue = a * spend^b, its R² and the days it saw." }),
      }),
    ),
    expected_daily_revenue_change: z.object({
      estimate: z.number(),
      low: z.number(),
      high: z.number(),
      confidence: z.number().openapi({ description: "Of the [low, high] interval." }),
    }),
    excluded: z.array(z.object({ channel: z.string(), reason: z.string() })),
    notes: z.array(z.string()),
    issues: z.array(ReportIssue),
  })
  .openapi("BudgetAdvice");

budgetRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/reports/budget",
    tags: ["Reports"],
    summary: "Suggest how to split a daily ad budget between channels (read scope)",
    description:
      `Fits revenue = a * spend^b (0 < b <= 1) per channel on daily spend and attributed revenue, needs ${MIN_SPEND_DAYS} ` +
      `days with spend per channel, and never suggests more than ${EXTRAPOLATION_CAP}x a channel's highest observed day.`,
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      query: z.object({
        site_id: z.string().optional(),
        days: z.coerce.number().int().min(14).max(365).default(90),
        model: z.enum(MODEL_NAMES).default("last_non_direct"),
        budget: z.coerce
          .number()
          .positive()
          .max(MAX_MONEY_AMOUNT)
          .optional()
          .openapi({ description: "Daily budget to split. Default: today's average daily spend." }),
      }),
    },
    responses: {
      200: {
        description: "Suggested daily spend per channel",
        content: { "application/json": { schema: BudgetAdvice } },
      },
      400: { description: "Bad query", content: { "application/json": { schema: ErrorEnvelope } } },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const scope = siteScope(c, q.site_id);
    const site = await loadSite(c, scope);
    const to = addDays(localDay(Date.now(), site.timezone), -1); // whole days only
    const from = addDays(to, -(q.days - 1));
    const { groups, issues } = await roiFigures(siteDatabase(c.env, site.id), {
      site,
      from,
      to,
      model: q.model,
      groupBy: "channel",
      period: "day",
    });
    const major = (minor: number) => toMajor(minor, site.currency);

    const points = new Map<string, DailyPoint[]>();
    const spent = new Map<string, number>();
    for (const g of groups) {
      if (!points.has(g.key)) points.set(g.key, []);
      points.get(g.key)!.push({ cost: major(g.sums.costMinor), revenue: major(g.sums.revenueMinor) });
      spent.set(g.key, (spent.get(g.key) ?? 0) + major(g.sums.costMinor));
    }
    const curves = new Map<string, ResponseCurve>();
    const excluded: { channel: string; reason: string }[] = [];
    for (const [channel, total] of spent) {
      if (total <= 0) continue;
      const curve = fitCurve(points.get(channel)!);
      if (curve) curves.set(channel, curve);
      else
        excluded.push({ channel, reason: `fewer than ${MIN_SPEND_DAYS} days with spend in the last ${q.days} days` });
    }
    // Average over the days the window has data for, not the window's length: a site that started
    // spending 30 days ago spent its total in 30 days, whatever window was asked for.
    const dataDays = groups.filter((g) => g.sums.costMinor > 0 || g.sums.sessions > 0).map((g) => g.period);
    const daysCovered = dataDays.length
      ? daysBetween(
          dataDays.reduce((a, b) => (a < b ? a : b)),
          to,
        ).length
      : 0;
    const current = new Map([...curves.keys()].map((k) => [k, spent.get(k)! / daysCovered]));
    const budget = q.budget ?? [...current.values()].reduce((a, b) => a + b, 0);
    const { spend, unallocated } = allocate(curves, budget);

    let variance = 0;
    const notes: string[] = [];
    const channels = [...curves].map(([channel, curve]) => {
      const now = current.get(channel)!;
      const next = spend.get(channel)!;
      variance += ((next ** curve.b - now ** curve.b) * curve.aStdError) ** 2;
      const cap = curve.maxObservedCost * EXTRAPOLATION_CAP;
      if (next + budget / ALLOCATION_STEPS > cap + 1e-9) {
        notes.push(
          `${channel}: held at ${EXTRAPOLATION_CAP}x its highest observed daily spend (${round2(curve.maxObservedCost)}); the data says nothing about spending more.`,
        );
      }
      return {
        channel,
        current_daily_spend: round2(now),
        suggested_daily_spend: round2(next),
        change: round2(next - now),
        expected_daily_revenue: { current: round2(predict(curve, now)), suggested: round2(predict(curve, next)) },
        fit: { a: curve.a, b: curve.b, r2: round2(curve.r2), days_with_spend: curve.days },
      };
    });
    if (unallocated > 0)
      notes.push(
        `${round2(unallocated)} of the budget is left unallocated: placing it would extrapolate past every channel's observed spend.`,
      );
    const change = channels.reduce(
      (n, ch) => n + ch.expected_daily_revenue.suggested - ch.expected_daily_revenue.current,
      0,
    );
    const margin = 1.96 * Math.sqrt(variance);
    return c.json(
      {
        currency: site.currency,
        model: q.model,
        from,
        to,
        days_covered: daysCovered,
        daily_budget: round2(budget),
        channels: channels.sort((a, b) => b.suggested_daily_spend - a.suggested_daily_spend),
        expected_daily_revenue_change: {
          estimate: round2(change),
          low: round2(change - margin),
          high: round2(change + margin),
          confidence: 0.95,
        },
        excluded,
        notes,
        issues,
      },
      200,
    );
  },
);
