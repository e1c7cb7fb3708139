// POST /api/v1/funnels: of the visitors who reached step 1 in the range, how many reached each next
// step within the window, in order (README "Funnels, retention and segments" defines the matching).
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../../../core/time";
import { runFunnel } from "../../../jobs/analytics/funnels";
import { FUNNEL_MAX_STEPS, FUNNEL_MIN_STEPS, type FunnelStepResult } from "../../../models/analytics/funnels";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { errors, json, SiteQuery } from "../../shared/openapi";
import { DateRange, GoalRef, localRange, Notes, RangeOut, resolveGoals, withinCaps } from "../lib/analytics";
import { siteOr404 } from "../lib/sites";

export const funnelRoutes = new OpenAPIHono<AppBindings>();

/** The longest conversion window: a funnel is about one buying decision, not a learner's year. */
export const MAX_FUNNEL_WINDOW_DAYS = 90;
const UNIT_MS = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS } as const;

const FunnelInput = z
  .object({
    steps: z.array(GoalRef).min(FUNNEL_MIN_STEPS).max(FUNNEL_MAX_STEPS),
    window: z
      .object({ value: z.number().int().min(1), unit: z.enum(["minute", "hour", "day"]) })
      .default({ value: 14, unit: "day" })
      .openapi({
        description: `Every later step within this time of the visitor's step 1 (inclusive), at most ${MAX_FUNNEL_WINDOW_DAYS} days. Default 14 days.`,
      }),
    order: z
      .enum(["sequential", "strict"])
      .default("sequential")
      .openapi({
        description:
          "sequential: the steps in this order, other events between them allowed. strict: each step is the visitor's " +
          "very next event after the previous one (engagement pings aside).",
      }),
    date_range: DateRange.optional(),
    breakdown: z.enum(["channel", "source", "campaign", "device"]).optional().openapi({
      description: "Split by the channel, source, campaign or device of each visitor's counted step-1 event.",
    }),
  })
  .superRefine((b, ctx) => {
    if (b.window.value * UNIT_MS[b.window.unit] > MAX_FUNNEL_WINDOW_DAYS * DAY_MS)
      ctx.addIssue({ code: "custom", path: ["window"], message: `At most ${MAX_FUNNEL_WINDOW_DAYS} days.` });
  })
  .openapi("FunnelRequest");

const Step = z.object({
  index: z.number().int(),
  label: z.string(),
  visitors: z.number().int(),
  conversion_from_previous: z
    .number()
    .nullable()
    .openapi({ description: "1 for step 1; null when the previous step had none." }),
  conversion_from_first: z.number().nullable(),
  drop_off: z.number().int().openapi({ description: "Visitors of the previous step who did not reach this one." }),
  drop_off_rate: z.number().nullable(),
  median_seconds_from_previous: z
    .number()
    .nullable()
    .openapi({ description: "Over the visitors who reached this step; null for step 1." }),
});

const FunnelOut = z
  .object({
    date_range: RangeOut,
    timezone: z.string(),
    order: z.enum(["sequential", "strict"]),
    window_seconds: z.number(),
    steps: z.array(Step),
    breakdown: z
      .object({
        by: z.enum(["channel", "source", "campaign", "device"]),
        values: z.array(z.object({ value: z.string(), steps: z.array(Step) })).openapi({
          description: "Most step-1 visitors first; past the 20th value the rest share (other); no value is (none).",
        }),
      })
      .nullable(),
    events_read: z.number().int(),
    notes: Notes,
  })
  .openapi("Funnel");

const stepView = (s: FunnelStepResult): z.infer<typeof Step> => ({
  index: s.index,
  label: s.label,
  visitors: s.visitors,
  conversion_from_previous: s.conversionFromPrevious,
  conversion_from_first: s.conversionFromFirst,
  drop_off: s.dropOff,
  drop_off_rate: s.dropOffRate,
  median_seconds_from_previous: s.medianTimeFromPreviousMs === null ? null : s.medianTimeFromPreviousMs / 1000,
});

funnelRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/funnels",
    tags: ["Behaviour"],
    summary: "A conversion funnel of 2 to 8 steps (read scope)",
    description:
      "Steps are saved goals (`goal_id`) or goals inline. Each visitor (a learner's devices count once once they " +
      "sign in) counts once, with the attempt that got furthest, the earliest of equals (PostHog's definition).",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery, body: { ...json(FunnelInput), required: true } },
    responses: {
      200: { description: "Visitors per step, overall and per breakdown value", ...json(FunnelOut) },
      400: { description: "Invalid steps, window or range, or a range holding too many events", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const body = c.req.valid("json");
    const { days, range } = localRange(site, body.date_range);
    const steps = await resolveGoals(siteDatabase(c.env, scope.siteId), scope, site, body.steps, (i) => `steps.${i}`);
    const windowMs = body.window.value * UNIT_MS[body.window.unit];
    const { result, rowsRead, notes } = await withinCaps(() =>
      runFunnel(siteDatabase(c.env, site.id), site, {
        steps,
        windowMs,
        order: body.order,
        range,
        ...(body.breakdown && { breakdown: body.breakdown }),
      }),
    );
    return c.json(
      {
        date_range: days,
        timezone: site.timezone,
        order: body.order,
        window_seconds: windowMs / 1000,
        steps: result.steps.map(stepView),
        breakdown:
          body.breakdown && result.breakdown
            ? {
                by: body.breakdown,
                values: result.breakdown.map((b) => ({ value: b.value, steps: b.steps.map(stepView) })),
              }
            : null,
        events_read: rowsRead,
        notes,
      },
      200,
    );
  },
);
