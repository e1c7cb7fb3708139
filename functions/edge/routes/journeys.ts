// POST /api/v1/journeys: the most common paths of pages and events out of a page (or goal), or
// into a goal, per visit, as Sankey nodes and links.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { runJourneys } from "../../../jobs/analytics/journeys";
import { goalLabel } from "../../../models/analytics/goals";
import { JOURNEY_MAX_STEPS } from "../../../models/analytics/journeys";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { errors, json, SiteQuery } from "../../shared/openapi";
import { DateRange, GoalRef, localRange, RangeOut, resolveGoals, withinCaps } from "../lib/analytics";
import { siteOr404 } from "../lib/sites";

export const journeyRoutes = new OpenAPIHono<AppBindings>();

const JourneyInput = z
  .object({
    from: GoalRef.optional().openapi({
      description: "Paths starting at this page (or goal): its first time in a visit.",
    }),
    into: GoalRef.optional().openapi({
      description: "Paths ending at this goal (or page): its first time in a visit.",
    }),
    steps: z
      .number()
      .int()
      .min(2)
      .max(JOURNEY_MAX_STEPS)
      .default(5)
      .openapi({ description: "Steps shown, the anchor included." }),
    top: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(5)
      .openapi({ description: "Names kept per step; the rest are (other)." }),
    date_range: DateRange.optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.from === !b.into)
      ctx.addIssue({ code: "custom", path: ["from"], message: "Give exactly one of `from` and `into`." });
  })
  .openapi("JourneyRequest");

const JourneyOut = z
  .object({
    direction: z.enum(["from", "into"]),
    anchor: z.string(),
    date_range: RangeOut,
    steps: z.number().int(),
    nodes: z.array(
      z.object({
        id: z.string().openapi({ description: "`step:name`" }),
        name: z
          .string()
          .openapi({ description: "A page path, a custom event's name, or an event type (signup, purchase)." }),
        step: z.number().int(),
        value: z.number().int().openapi({ description: "Visits through this node." }),
      }),
    ),
    links: z.array(z.object({ source: z.string(), target: z.string(), value: z.number().int() })),
    paths: z
      .array(z.object({ steps: z.array(z.string()), count: z.number().int() }))
      .openapi({ description: "The most common whole paths, before the top-N cut." }),
    visits: z.number().int().openapi({ description: "Visits that reached the anchor." }),
    events_read: z.number().int(),
  })
  .openapi("Journeys");

journeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/journeys",
    tags: ["Behaviour"],
    summary: "Paths out of a page or into a goal, as Sankey nodes and links (read scope)",
    description:
      "A visit is a session. Consecutive repeats of a step collapse; engagement pings and clicks are left out. " +
      "`into` paths are aligned on the goal, at the last step.",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery, body: { ...json(JourneyInput), required: true } },
    responses: {
      200: { description: "Sankey nodes and links", ...json(JourneyOut) },
      400: { description: "Invalid, or a range holding too many events", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const body = c.req.valid("json");
    const { days, range } = localRange(site, body.date_range);
    const direction: "from" | "into" = body.from ? "from" : "into";
    const [anchor] = await resolveGoals(
      siteDatabase(c.env, scope.siteId),
      scope,
      site,
      [(body.from ?? body.into)!],
      () => direction,
    );
    const { result, rowsRead } = await withinCaps(() =>
      runJourneys(siteDatabase(c.env, scope.siteId), scope, {
        direction,
        anchor: anchor!,
        steps: body.steps,
        topN: body.top,
        range,
      }),
    );
    return c.json(
      {
        direction,
        anchor: goalLabel(anchor!),
        date_range: days,
        steps: body.steps,
        nodes: result.nodes,
        links: result.links,
        paths: result.paths,
        visits: result.total,
        events_read: rowsRead,
      },
      200,
    );
  },
);
