// GET /api/v1/sessions: sessions with their entry channel, source, campaign and landing (read scope).
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type ListParams, listSessions } from "../../../schema/queries/listing";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ErrorEnvelope } from "../../shared/errors";
import { listOrder, listPage, ListQuery, OrderQuery, respondWithPage } from "../lib/listing";
import { Session, sessionView } from "../lib/views";

export const sessionRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };

const route = createRoute({
  method: "get",
  path: "/api/v1/sessions",
  tags: ["Raw data"],
  summary: "List sessions by start time, newest first without `from` (read scope)",
  security: [{ bearer: [] }],
  middleware: [requireScope("read")] as const,
  request: { query: ListQuery.extend({ ...OrderQuery, channel: z.string().max(64).optional() }) },
  responses: {
    200: {
      description: "A page of sessions (JSON) or an export (NDJSON, CSV; next page in x-next-cursor)",
      content: { "application/json": { schema: listPage(Session) } },
    },
    400: { description: "Bad query", ...errors },
    401: { description: "Missing or unknown key", ...errors },
    403: { description: "Key lacks the read scope or names another site", ...errors },
  },
});

sessionRoutes.openapi(route, async (c) => {
  const q = c.req.valid("query");
  const scope = siteScope(c, q.site_id);
  const fetchRows = (p: ListParams) =>
    listSessions(siteDatabase(c.env, scope.siteId), scope, { ...p, channel: q.channel });
  return respondWithPage(
    c,
    { ...q, order: listOrder(q) },
    fetchRows,
    (s) => s.startedAt,
    sessionView,
    "sessions",
  ) as never;
});
