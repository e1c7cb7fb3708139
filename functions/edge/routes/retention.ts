// POST /api/v1/retention: cohorts of learners by the period (day, week, month in the site's zone)
// of their first visit, sign-up or first purchase, and per later period who came back and what
// they paid.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { toMajor } from "../../../core/money";
import { runRetention } from "../../../jobs/analytics/retention";
import { periodNumber, RETENTION_MAX_PERIODS } from "../../../models/analytics/retention";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, json, SiteQuery } from "../../shared/openapi";
import { DateRange, localRange, Notes, RangeOut, withinCaps } from "../lib/analytics";
import { siteOr404 } from "../lib/sites";

export const retentionRoutes = new OpenAPIHono<AppBindings>();

const COHORTS = ["first_visit", "signup", "first_purchase"] as const;
const PERIODS = ["day", "week", "month"] as const;
const RETURNS = ["any", "lesson", "purchase"] as const;

const RetentionInput = z
  .object({
    cohort: z.enum(COHORTS).default("first_visit").openapi({
      description:
        "What puts a learner in a cohort: their first visit, sign-up or purchase ever (in the stored history).",
    }),
    period: z.enum(PERIODS).default("week").openapi({ description: "Local days, Monday weeks or months." }),
    return: z.enum(RETURNS).default("any").openapi({
      description:
        "What counts as coming back: any visit, a lesson event (lesson_start, lesson_complete) or a purchase.",
    }),
    date_range: DateRange.optional().openapi({
      description: `Cohorts starting in the range, and their activity up to its end; at most ${RETENTION_MAX_PERIODS} periods.`,
    }),
  })
  .openapi("RetentionRequest");

const cells = <T extends z.ZodType>(t: T) =>
  z.array(t.nullable()).openapi({ description: "Per period offset 0, 1, ...; null: not observable yet." });

const RetentionOut = z
  .object({
    cohort: z.enum(COHORTS),
    period: z.enum(PERIODS),
    return: z.enum(RETURNS),
    date_range: RangeOut,
    timezone: z.string(),
    currency: z.string(),
    periods: z.number().int(),
    cohorts: z.array(
      z.object({
        start: z.string().openapi({ description: "The cohort period's first local day." }),
        size: z.number().int(),
        returning: cells(z.number().int()),
        rates: cells(z.number()),
        revenue: cells(z.number()).openapi({
          description: "Purchase revenue of the cohort in each period (major units).",
        }),
        revenue_retention: cells(z.number()).openapi({ description: "Revenue in the period / revenue in period 0." }),
      }),
    ),
    average: cells(z.number()).openapi({
      description: "Per offset, returning / size over the cohorts observable there.",
    }),
    rows_read: z.number().int(),
    notes: Notes,
  })
  .openapi("Retention");

retentionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/retention",
    tags: ["Behaviour"],
    summary: "A cohort retention matrix with revenue retention (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery, body: { ...json(RetentionInput), required: true } },
    responses: {
      200: { description: "Counts, rates and revenue per cohort and period", ...json(RetentionOut) },
      400: { description: "Invalid, too many periods, or a range holding too many rows", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const body = c.req.valid("json");
    const { days, range } = localRange(site, body.date_range);
    const periods = periodNumber(days.to, body.period) - periodNumber(days.from, body.period) + 1;
    if (periods > RETENTION_MAX_PERIODS)
      throw new ApiError(400, "validation_failed", "Too many periods.", [
        {
          path: "date_range",
          message: `${periods} ${body.period}s; at most ${RETENTION_MAX_PERIODS}: use a longer period or a shorter range.`,
        },
      ]);
    const { result, rowsRead, notes } = await withinCaps(() =>
      runRetention(siteDatabase(c.env, site.id), site, {
        cohortBy: body.cohort,
        period: body.period,
        returnOn: body.return,
        range,
        days,
        periods,
        asOf: Math.min(Date.now(), range.to - 1),
      }),
    );
    const major = (minor: number | null) => (minor === null ? null : toMajor(minor, site.currency));
    return c.json(
      {
        cohort: body.cohort,
        period: body.period,
        return: body.return,
        date_range: days,
        timezone: site.timezone,
        currency: site.currency,
        periods,
        cohorts: result.cohorts.map((k) => ({
          start: k.start,
          size: k.size,
          returning: k.returning,
          rates: k.rates,
          revenue: k.revenueMinor.map(major),
          revenue_retention: k.revenueRetention,
        })),
        average: result.average,
        rows_read: rowsRead,
        notes,
      },
      200,
    );
  },
);
