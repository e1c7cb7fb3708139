// POST /api/collect: the snippet's endpoint. Public site key, allowed origins only, rate-limited
// per site and client. Answers 202 with what was kept and what was refused, event by event.
import { OpenAPIHono } from "@hono/zod-openapi";
import { acceptEvents, doNotTrackDrops, siteContext } from "../capture/accept";
import {
  BatchResult,
  EventInput,
  PUBLIC_MAX_AGE_MS,
  PUBLIC_MAX_BODY_BYTES,
  PUBLIC_MAX_EVENTS,
  PublicBatch,
} from "../capture/schemas";
import { siteByPublicKey } from "../../../schema/queries/sites";
import { readJsonBody } from "../../shared/body";
import type { AppBindings } from "../env";
import { ApiError, ErrorEnvelope, validationError } from "../../shared/errors";
import { clientAllowed } from "../capture/client-limiter";
import { assertBatchSize, batchResponse, clientIp } from "../lib/request";

export const collectRoutes = new OpenAPIHono<AppBindings>();

collectRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/collect",
  tags: ["Capture"],
  summary: "Collect events from the browser snippet (public site key)",
  description:
    `Up to ${PUBLIC_MAX_EVENTS} events, at most ${PUBLIC_MAX_BODY_BYTES / 1024} KB, as application/json or text/plain ` +
    "(sendBeacon). Each event is validated on its own: valid ones are kept, invalid ones reported by index. " +
    "Events left out by policy (bots, DNT/GPC) are counted in `dropped`, each with its reason in `dropped_reasons`.",
  request: { body: { content: { "application/json": { schema: PublicBatch } } } },
  responses: {
    202: {
      description: "Accepted (some events may be rejected)",
      content: { "application/json": { schema: BatchResult } },
    },
    400: { description: "Nothing valid", content: { "application/json": { schema: ErrorEnvelope } } },
    401: { description: "Unknown site key", content: { "application/json": { schema: ErrorEnvelope } } },
    403: { description: "Origin not allowed", content: { "application/json": { schema: ErrorEnvelope } } },
    413: { description: "Body or batch too large", content: { "application/json": { schema: ErrorEnvelope } } },
    429: { description: "Rate limited", content: { "application/json": { schema: ErrorEnvelope } } },
    503: {
      description: "The events queue refused the batch: resend it after Retry-After (ids dedupe)",
      content: { "application/json": { schema: ErrorEnvelope } },
    },
  },
});
collectRoutes.openAPIRegistry.register("Event", EventInput);

// CORS: the collector never returns data, so reflecting the caller's origin leaks nothing;
// whether that origin may write is decided per site below.
collectRoutes.use("/api/collect", async (c, next) => {
  await next();
  const origin = c.req.header("origin");
  if (origin) {
    c.header("access-control-allow-origin", origin);
    c.header("vary", "Origin");
  }
});

collectRoutes.options("/api/collect", (c) => {
  c.header("access-control-allow-methods", "POST, OPTIONS");
  c.header("access-control-allow-headers", "content-type");
  c.header("access-control-max-age", "86400");
  return c.body(null, 204);
});

collectRoutes.post("/api/collect", async (c) => {
  const body = await readJsonBody(c.req.raw, PUBLIC_MAX_BODY_BYTES);
  const batch = PublicBatch.safeParse(body);
  if (!batch.success) throw validationError(batch.error);
  assertBatchSize(batch.data.events, PUBLIC_MAX_EVENTS);
  const site = await siteByPublicKey(c.env.DB, batch.data.site);
  if (!site)
    throw new ApiError(401, "unauthorized", "Unknown site key.", [{ path: "site", message: "Not a site key." }]);

  const allowed = siteContext(site).allowedOrigins;
  const origin = c.req.header("origin") ?? null;
  if (allowed.length > 0 && (!origin || !allowed.includes(origin))) {
    throw new ApiError(403, "origin_not_allowed", "This site key may not be used from this origin.", [
      { path: "origin", message: `${origin ?? "(none)"} is not one of the site's allowed origins.` },
    ]);
  }
  const ip = clientIp(c.req.raw);
  if (!(await clientAllowed(c.env.COLLECT_LIMITER, `${site.id}|${ip}`)))
    throw new ApiError(429, "rate_limited", "Too many requests from this client; slow down.");

  const optedOut = c.req.header("dnt") === "1" || c.req.header("sec-gpc") === "1";
  if (site.respectDnt && optedOut) {
    const dropped = doNotTrackDrops(batch.data.events.length);
    return c.json({ accepted: 0, rejected: [], dropped: dropped.length, dropped_reasons: dropped }, 202);
  }
  const cf = c.req.raw.cf as { country?: string; region?: string } | undefined;
  const result = await acceptEvents({
    env: c.env,
    site,
    events: batch.data.events,
    schema: EventInput,
    origin: "browser",
    maxAgeMs: PUBLIC_MAX_AGE_MS,
    ip,
    userAgent: c.req.header("user-agent") ?? "",
    country: cf?.country ?? null,
    region: cf?.region ?? null,
  });
  return batchResponse(c, result);
});
