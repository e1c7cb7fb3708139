// The site's own Markov chain: its journeys of the last FIT_WINDOW_DAYS (the same paths the daily
// fit learns the Markov model's removal effects from, jobs/markov-fit.ts) as transition
// probabilities between channels (or sources, campaigns, partners), with each one's removal effect.
// The dashboard's Attribution page draws the transitions as a Sankey.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { roundTo } from "../../../core/money";
import { FIT_WINDOW_DAYS, journeyPaths } from "../../../jobs/markov-fit";
import { DIMENSIONS } from "../../../models/attribution/credit";
import { markovAttribution } from "../../../models/attribution/markov";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ErrorEnvelope } from "../../shared/errors";
import { CREDIT_PLACES } from "./attribution";
import { loadSite } from "./reports";

export const markovRoutes = new OpenAPIHono<AppBindings>();

const SiteMarkov = z
  .object({
    dimension: z.enum(DIMENSIONS),
    window_days: z.number().int(),
    paths: z.number().int().openapi({ description: "Distinct journeys (paths) the chain is built from." }),
    conversions: z.number(),
    nulls: z.number().openapi({ description: "Journeys that did not (yet) convert." }),
    conversion_probability: z.number(),
    removal_effects: z.array(z.object({ value: z.string(), removal_effect: z.number() })),
    transition_matrix: z
      .record(z.string(), z.record(z.string(), z.number()))
      .openapi({ description: "From state to state: probability; states include (start), (conversion) and (null)." }),
  })
  .openapi("SiteMarkov");

markovRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/reports/markov",
    tags: ["Reports"],
    summary: "The site's first-order Markov chain over its recent journeys (read scope)",
    description:
      `Built from the last ${FIT_WINDOW_DAYS} days of sessions, as the daily Markov fit is: a customer's sessions ` +
      `before each purchase (within the site's lookback) form a converting path; sessions after the last purchase a ` +
      `path that did not convert. Probabilities and removal effects are rounded to ${CREDIT_PLACES} decimals.`,
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      query: z.object({ site_id: z.string().optional(), dimension: z.enum(DIMENSIONS).default("channel") }),
    },
    responses: {
      200: { description: "Transitions and removal effects", content: { "application/json": { schema: SiteMarkov } } },
      400: { description: "Bad query", content: { "application/json": { schema: ErrorEnvelope } } },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const scope = siteScope(c, q.site_id);
    const site = await loadSite(c, scope);
    const paths = (
      await journeyPaths(siteDatabase(c.env, scope.siteId), scope, Date.now(), site.lookbackDays, [q.dimension])
    ).get(q.dimension)!;
    const chain = markovAttribution(paths);
    const r = (n: number) => roundTo(n, CREDIT_PLACES);
    return c.json(
      {
        dimension: q.dimension,
        window_days: FIT_WINDOW_DAYS,
        paths: paths.length,
        conversions: paths.reduce((n, p) => n + p.conversions, 0),
        nulls: paths.reduce((n, p) => n + p.nulls, 0),
        conversion_probability: r(chain.conversionProbability),
        removal_effects: [...chain.removalEffects]
          .map(([value, e]) => ({ value, removal_effect: r(e) }))
          .sort((a, b) => b.removal_effect - a.removal_effect),
        transition_matrix: Object.fromEntries(
          Object.entries(chain.transitionMatrix).map(([from, row]) => [
            from,
            Object.fromEntries(Object.entries(row).map(([to, p]) => [to, r(p)])),
          ]),
        ),
      },
      200,
    );
  },
);
