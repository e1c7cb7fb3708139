// Response schemas of the ROI reports (routes/reports.ts, routes/budget.ts): what roiMetrics()
// returns, per group and period, with the issues (such as missing exchange rates) found on the way.
import { z } from "@hono/zod-openapi";
import { DIMENSIONS } from "../../../models/attribution/credit";
import { MODEL_NAMES } from "../../../models/attribution/paths";

const ratio = z.number().nullable();
const money = z.number().openapi({ description: "Major units of the report's currency." });
const maybeMoney = money.nullable();

/** models/attribution/roi.ts roiMetrics(): undefined ratios are null, never zero. */
export const RoiMetrics = z
  .object({
    sessions: z.number().int(),
    visitors: z
      .number()
      .int()
      .openapi({
        description:
          "Distinct visitors. Totals count each visitor once over the whole range (as POST /api/v1/query); " +
          "a row or channel adds its days' distinct counts.",
      }),
    conversions: z.number().openapi({ description: "Attributed: fractional under multi-touch models." }),
    new_customers: z.number(),
    revenue: money,
    cost: money.openapi({ description: "Ad spend (converted) plus partner commissions." }),
    roi: ratio.openapi({ description: "(revenue - cost) / cost" }),
    roas: ratio.openapi({ description: "revenue / cost" }),
    cac: maybeMoney.openapi({ description: "cost / new paying customers" }),
    conversion_rate: ratio.openapi({ description: "conversions / sessions" }),
    aov: maybeMoney,
    ltv_30: maybeMoney,
    ltv_90: maybeMoney,
    payback_days: ratio.openapi({ description: "Days of a new customer's 90-day revenue rate that repay its CAC." }),
  })
  .openapi("RoiMetrics");

export const ReportIssue = z
  .object({
    code: z.enum(["missing_fx_rate"]),
    currency: z.string(),
    date: z.string(),
  })
  .openapi("ReportIssue");

const Day = z.string().openapi({ description: "A local day, YYYY-MM-DD." });

export const RoiReport = z
  .object({
    from: Day,
    to: Day,
    model: z.enum(MODEL_NAMES),
    group_by: z.enum(DIMENSIONS),
    period: z.enum(["day", "week", "month", "total"]),
    currency: z.string(),
    data_until: z
      .string()
      .nullable()
      .openapi({ description: "Events received up to this time are counted; null: never rolled up." }),
    rows: z.array(
      RoiMetrics.extend({
        period: Day.openapi({ description: "First day of the period (the range's first day for total)." }),
        // Each row names its group under the key `group_by` says.
        ...Object.fromEntries(
          DIMENSIONS.map((d) => [
            d,
            z
              .string()
              .optional()
              .openapi({ description: `The ${d}, when group_by=${d}.` }),
          ]),
        ),
      }),
    ),
    totals: RoiMetrics,
    issues: z.array(ReportIssue),
  })
  .openapi("RoiReport");

export const RoiOverview = z
  .object({
    from: Day,
    to: Day,
    previous: z.object({ from: Day, to: Day }).openapi({ description: "The period of the same length before." }),
    model: z.enum(MODEL_NAMES),
    currency: z.string(),
    data_until: z.string().nullable(),
    totals: RoiMetrics,
    previous_totals: RoiMetrics,
    change: z.object(Object.fromEntries(Object.keys(RoiMetrics.shape).map((k) => [k, z.number().nullable()]))).openapi({
      description:
        "Change of each total against the previous period. roi and conversion_rate: the difference in ratio " +
        "units, e.g. 2.84 = +284 percentage points; the others: relative change, e.g. 0.25 = +25%, null when " +
        "the previous one is 0.",
    }),
    channels: z.array(RoiMetrics.extend({ channel: z.string() })),
    issues: z.array(ReportIssue),
  })
  .openapi("RoiOverview");
