// GET /api/v1/sessions: sessions with their entry channel, source, campaign and landing (read scope).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { listSessions } from "../../schema/queries/listing";
import { requireScope, siteScope } from "../lib/auth";
import type { AppBindings } from "../lib/env";
import { ErrorEnvelope } from "../lib/errors";
import { decodeCursor, encodeCursor, ListQuery, listResponse, pageLimit, timeRange } from "../lib/listing";
import { sessionView } from "../lib/views";

export const sessionRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };

const route = createRoute({
  method: "get",
  path: "/api/v1/sessions",
  tags: ["Raw data"],
  summary: "List sessions, by start time (read scope)",
  security: [{ bearer: [] }],
  middleware: [requireScope("read")] as const,
  request: { query: ListQuery.extend({ channel: z.string().max(64).optional() }) },
  responses: {
    200: {
      description: "A page of sessions (JSON) or an export (NDJSON, CSV; next page in x-next-cursor)",
      content: {
        "application/json": {
          schema: z.object({ data: z.array(z.record(z.string(), z.unknown())), next_cursor: z.string().nullable() }),
        },
      },
    },
    400: { description: "Bad query", ...errors },
    401: { description: "Missing or unknown key", ...errors },
    403: { description: "Key lacks the read scope or names another site", ...errors },
  },
});

sessionRoutes.openapi(route, async (c) => {
  const q = c.req.valid("query");
  const scope = siteScope(c, q.site_id);
  const limit = pageLimit(q.format, q.limit);
  const rows = await listSessions(c.env.DB, scope, {
    ...timeRange(q),
    limit: limit + 1,
    after: decodeCursor(q.cursor),
    channel: q.channel,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? encodeCursor(last.startedAt, last.id) : null;
  return listResponse(c, q.format, page.map(sessionView), next, "sessions") as never;
});
