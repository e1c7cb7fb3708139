// POST /api/v1/events: server-side capture (ingest scope). GET /api/v1/events: raw events (read scope).
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { acceptEvents } from "../capture/accept";
import {
  BatchResult,
  EVENT_TYPES,
  SERVER_MAX_AGE_MS,
  SERVER_MAX_BODY_BYTES,
  SERVER_MAX_EVENTS,
  ServerBatch,
  ServerEventInput,
} from "../capture/schemas";
import { type ListParams, listEvents } from "../../../schema/queries/listing";
import { getSite } from "../../../schema/queries/sites";
import { requireScope, siteScope } from "../auth";
import { readJsonBody } from "../../shared/body";
import type { AppBindings } from "../env";
import { ApiError, ErrorEnvelope, validationError } from "../../shared/errors";
import { listOrder, listPage, ListQuery, OrderQuery, respondWithPage } from "../lib/listing";
import { assertBatchSize, batchResponse } from "../lib/request";
import { eventView, StoredEvent } from "../lib/views";

export const eventRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };

eventRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/v1/events",
  tags: ["Capture"],
  summary: "Send events from a back end or payment webhook (ingest scope)",
  description:
    `Up to ${SERVER_MAX_EVENTS} events, at most 1 MB. Revenue from here is trusted: a server purchase supersedes ` +
    "browser-reported purchases with the same order_id.",
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: ServerBatch } } } },
  responses: {
    202: { description: "Accepted", content: { "application/json": { schema: BatchResult } } },
    400: { description: "Nothing valid", ...errors },
    401: { description: "Missing or unknown key", ...errors },
    403: { description: "Key lacks the ingest scope", ...errors },
    413: { description: "Too large", ...errors },
    503: { description: "The events queue refused the batch: resend it after Retry-After (ids dedupe)", ...errors },
  },
});
eventRoutes.openAPIRegistry.register("ServerEvent", ServerEventInput);

eventRoutes.post("/api/v1/events", requireScope("ingest"), async (c) => {
  const scope = siteScope(c);
  const body = await readJsonBody(c.req.raw, SERVER_MAX_BODY_BYTES);
  const batch = ServerBatch.safeParse(body);
  if (!batch.success) throw validationError(batch.error);
  assertBatchSize(batch.data.events, SERVER_MAX_EVENTS);
  const site = await getSite(c.env.DB, scope);
  if (!site) throw new ApiError(404, "not_found", "No such site.", [{ path: "site_id", message: "Unknown site." }]);
  const result = await acceptEvents({
    env: c.env,
    site,
    events: batch.data.events,
    schema: ServerEventInput,
    origin: "server",
    maxAgeMs: SERVER_MAX_AGE_MS,
    ip: "",
    userAgent: "",
    country: null,
    region: null,
  });
  return batchResponse(c, result);
});

const listEventsRoute = createRoute({
  method: "get",
  path: "/api/v1/events",
  tags: ["Raw data"],
  summary: "List stored events with their enrichment (read scope)",
  security: [{ bearer: [] }],
  middleware: [requireScope("read")] as const,
  request: { query: ListQuery.extend({ ...OrderQuery, type: z.enum(EVENT_TYPES).optional() }) },
  responses: {
    200: {
      description:
        "A page of events, newest first without `from` (JSON), or an export (NDJSON, CSV: `items` and `props` as " +
        "JSON text; next page in x-next-cursor)",
      content: { "application/json": { schema: listPage(StoredEvent) } },
    },
    400: { description: "Bad query", ...errors },
    401: { description: "Missing or unknown key", ...errors },
    403: { description: "Key lacks the read scope or names another site", ...errors },
  },
});

eventRoutes.openapi(listEventsRoute, async (c) => {
  const q = c.req.valid("query");
  const scope = siteScope(c, q.site_id);
  const fetchRows = (p: ListParams) => listEvents(siteDatabase(c.env, scope.siteId), scope, { ...p, type: q.type });
  return respondWithPage(c, { ...q, order: listOrder(q) }, fetchRows, (e) => e.ts, eventView, "events") as never;
});
