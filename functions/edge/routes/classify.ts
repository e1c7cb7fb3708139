// POST /api/v1/classify: shows why a visit counted as it did, with the pipeline's own code.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { parseClient } from "../capture/enrich";
import { siteContext } from "../capture/accept";
import { deriveTraffic } from "../capture/traffic";
import { getSite } from "../../../schema/queries/sites";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ErrorEnvelope } from "../../shared/errors";

export const classifyRoutes = new OpenAPIHono<AppBindings>();

const Classification = z
  .object({
    source: z.string(),
    medium: z.string(),
    campaign: z.string(),
    term: z.string().nullable(),
    content: z.string().nullable(),
    channel: z.string(),
    click_id_type: z.string().nullable(),
    partner_code: z.string().nullable(),
    bot: z.boolean(),
    device: z.string(),
    browser: z.string().nullable(),
    os: z.string().nullable(),
  })
  .openapi("Classification");

classifyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/classify",
    tags: ["Capture"],
    summary: "Classify a landing: source, medium, campaign, channel, bot, device (any secret key)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      query: z.object({ site_id: z.string().optional() }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              url: z.url({ protocol: /^https?$/ }).max(2048),
              referrer: z.string().max(2048).optional(),
              user_agent: z.string().max(1024).optional(),
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: "How the pipeline classifies this visit",
        content: { "application/json": { schema: Classification } },
      },
      400: { description: "Invalid", content: { "application/json": { schema: ErrorEnvelope } } },
    },
  }),
  async (c) => {
    const b = c.req.valid("json");
    // The site's own domains and channel rules apply, as in capture.
    const site = await getSite(c.env.DB, siteScope(c, c.req.valid("query").site_id));
    const ctx = site ? siteContext(site) : { domains: [], channelRules: [] };
    const t = deriveTraffic(b.url, b.referrer, ctx.domains, ctx.channelRules);
    const client = parseClient(b.user_agent ?? "");
    return c.json(
      {
        source: t.source,
        medium: t.medium,
        campaign: t.campaign,
        term: t.term,
        content: t.content,
        channel: t.channel,
        click_id_type: t.clickIdType,
        partner_code: t.partnerCode,
        bot: client.bot,
        device: client.device,
        browser: client.browser,
        os: client.os,
      },
      200,
    );
  },
);
