// The capture path shared by the public collector and the server API: validate each event on its
// own (good events are kept beside bad ones), enrich, and enqueue. D1 is written by the consumer.
import { siteDatabase } from "../../../schema/databases";
import { compileItemPath } from "./item-path";
import { learningCatalog, unknownReference } from "./learning";
import type { z } from "@hono/zod-openapi";
import type { EdgeEnv } from "../../../core/env";
import type { IngestMessage } from "../../../core/queue";
import { ApiError, type Issue, zodIssues } from "../../shared/errors";
import { describeError } from "../../../core/errors";
import type { SiteRow } from "../../../schema/queries/sites";
import {
  byteLength,
  MAX_EVENT_BYTES,
  QUEUE_MAX_BATCH_BYTES,
  QUEUE_MAX_BATCH_MESSAGES,
  QUEUE_MAX_MESSAGE_BYTES,
  chunkByJsonBytes,
} from "../../../schema/limits";
import type { ChannelRule } from "./channels";
import { type Client, deviceFromScreen, enrichEvent, parseClient } from "./enrich";
import { type EnrichedEvent } from "../../../core/event";
import { cookielessVisitorId, firstPartyVisitorId } from "../../../core/hash";
import { utcDay } from "../../../core/time";
import { dailySalt } from "../../../schema/queries/salts";
import { type DropReason, type EventInput, MAX_CLOCK_SKEW_MS, type ServerEventInput, timestampMs } from "./schemas";

export interface Rejection {
  index: number;
  code: string;
  issues: Issue[];
}

export interface AcceptOptions {
  env: EdgeEnv;
  site: SiteRow;
  events: unknown[];
  schema: z.ZodType<EventInput> | z.ZodType<ServerEventInput>;
  origin: "browser" | "server";
  maxAgeMs: number;
  /** The HTTP client: for browser events, the visitor; for server events, a default. */
  ip: string;
  userAgent: string;
  country: string | null;
  region: string | null;
}

export interface Dropped {
  index: number;
  reason: DropReason;
  message: string;
}

/** The 202 body (BatchResult): `dropped` counts `dropped_reasons`, kept as a number for old clients. */
export interface AcceptResult {
  accepted: number;
  rejected: Rejection[];
  dropped: number;
  dropped_reasons: Dropped[];
}

/** Why a bot's event is gone, and how to send one that counts (curl is the usual first try). */
export function botDrop(index: number, botName: string | null): Dropped {
  return {
    index,
    reason: "bot",
    message:
      `The user agent looks like a bot (${botName ?? "unknown"}): bots are counted as bot hits, not stored as events. ` +
      "Send a browser's user agent, or send from a back end to POST /api/v1/events with a secret key.",
  };
}

/** Every event of a request whose visitor opted out (DNT or GPC) on a site that honours it. */
export function doNotTrackDrops(count: number): Dropped[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    reason: "do_not_track" as const,
    message: "The request sent DNT: 1 or Sec-GPC: 1 and this site honours it (respect_dnt).",
  }));
}

export interface SiteSettings {
  siteId: string;
  allowedOrigins: string[];
  domains: string[];
  channelRules: ChannelRule[];
  itemPath: RegExp | null;
}

/** Parsed once per site row: the capture path caches rows per isolate, so requests reuse this. */
const parsedSettings = new WeakMap<SiteRow, SiteSettings>();

export function siteContext(site: SiteRow): SiteSettings {
  let settings = parsedSettings.get(site);
  if (!settings) {
    settings = {
      siteId: site.id,
      allowedOrigins: site.allowedOrigins,
      domains: [site.domain, ...site.allowedOrigins.map((o) => new URL(o).hostname)],
      channelRules: site.channelRules,
      itemPath: site.itemPathPattern ? compileItemPath(site.itemPathPattern) : null,
    };
    parsedSettings.set(site, settings);
  }
  return settings;
}

export async function acceptEvents(o: AcceptOptions): Promise<AcceptResult> {
  const receivedAt = Date.now();
  const rejected: Rejection[] = [];
  const enriched: EnrichedEvent[] = [];
  const bots: Record<string, number> = {};
  const seen = new Set<string>();
  const hashed = new Map<string, string>();
  const dropped: Dropped[] = [];
  let duplicates = 0;
  const site = siteContext(o.site);
  const salt = await dailySalt(o.env.DB, utcDay(receivedAt));
  const catalog = await learningCatalog(siteDatabase(o.env, o.site.id), o.site.id, o.events);
  const requestClient = parseClient(o.userAgent);
  const serverClients = new Map<string, Client>(); // a back end relays few distinct user agents per batch
  const serverClient = (userAgent: string, screen?: string) => {
    const key = `${userAgent}|${screen ?? ""}`;
    let client = serverClients.get(key);
    if (!client) serverClients.set(key, (client = { ...parseClient(userAgent, screen), bot: false, botName: null }));
    return client;
  };

  for (const [index, raw] of o.events.entries()) {
    const parsed = o.schema.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ index, code: "invalid_event", issues: zodIssues(parsed.error, `events.${index}`) });
      continue;
    }
    const e = parsed.data as ServerEventInput;
    const ts = timestampMs(e.ts, receivedAt);
    if (ts > receivedAt + MAX_CLOCK_SKEW_MS || ts < receivedAt - o.maxAgeMs) {
      const message = ts > receivedAt ? "Timestamp is in the future." : "Timestamp is older than this API accepts.";
      rejected.push({ index, code: "invalid_timestamp", issues: [{ path: `events.${index}.ts`, message }] });
      continue;
    }
    if (byteLength(JSON.stringify(raw)) > MAX_EVENT_BYTES) {
      const message = `One event may hold at most ${MAX_EVENT_BYTES} bytes.`;
      rejected.push({ index, code: "event_too_large", issues: [{ path: `events.${index}`, message }] });
      continue;
    }
    const unknown = unknownReference(e, catalog, index);
    if (unknown) {
      rejected.push(unknown);
      continue;
    }
    if (seen.has(e.id)) {
      duplicates += 1; // same id twice in one request: stored once, counted as accepted
      continue;
    }
    seen.add(e.id);

    const userAgent = e.user_agent ?? o.userAgent;
    const client: Client =
      o.origin === "browser"
        ? e.screen && !requestClient.deviceFromUserAgent
          ? { ...requestClient, device: deviceFromScreen(e.screen) } // the request's UA was parsed once
          : requestClient
        : userAgent
          ? serverClient(userAgent, e.screen) // server events are trusted: never bots
          : { device: "unknown", browser: null, os: null, bot: false, botName: null, deviceFromUserAgent: false };
    if (client.bot) {
      bots[client.botName!] = (bots[client.botName!] ?? 0) + 1;
      dropped.push(botDrop(index, client.botName));
      continue;
    }
    const ip = e.ip ?? o.ip;
    let visitorId: string | null;
    if (e.visitor_id && (o.origin === "server" || o.site.cookieMode)) {
      visitorId = await firstPartyVisitorId(o.site.id, e.visitor_id);
    } else if (o.origin === "browser" || (ip && e.user_agent)) {
      const key = `${ip}|${userAgent}`; // a request's events share one client: hash it once
      visitorId = hashed.get(key) ?? (await cookielessVisitorId(salt, o.site.id, ip, userAgent));
      hashed.set(key, visitorId);
    } else visitorId = null; // resolved from the user id by the consumer
    if (!visitorId && !e.user_id) {
      const message = "Server events need visitor_id, user_id, or ip with user_agent.";
      rejected.push({ index, code: "invalid_event", issues: [{ path: `events.${index}.user_id`, message }] });
      continue;
    }
    const context = {
      origin: o.origin,
      receivedAt,
      userAgent,
      country: e.country ?? o.country,
      region: e.country ? null : o.region,
      visitorId,
    };
    enriched.push(enrichEvent(e, context, site, client));
  }

  const botDay = utcDay(receivedAt);
  await enqueue(o.env, o.site.id, enriched, Object.keys(bots).length ? { [botDay]: bots } : undefined);
  return { accepted: enriched.length + duplicates, rejected, dropped: dropped.length, dropped_reasons: dropped };
}

/** Seconds a client is told to wait before resending a batch the queue refused. */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

/**
 * Sends to the events queue. A refusal (Queues down, over its limits) is the client's to retry, so
 * it answers 503 with Retry-After instead of a 202 for events that went nowhere. A resend is safe:
 * events keep their ids, and the consumer stores an id once, so part of a large server batch that
 * did reach the queue is not stored twice.
 */
async function sendToQueue(env: EdgeEnv, siteId: string, batch: { body: IngestMessage }[]): Promise<void> {
  try {
    await env.EVENTS_QUEUE.sendBatch(batch);
  } catch (err) {
    const events = batch.reduce((n, m) => n + m.body.events.length, 0);
    console.error("capture: queue send failed", { siteId, messages: batch.length, events, error: describeError(err) });
    throw new ApiError(
      503,
      "queue_unavailable",
      `The events could not be queued; nothing from this batch is lost on a resend. Retry in ${QUEUE_RETRY_AFTER_SECONDS} seconds.`,
      [],
      { cause: err, headers: { "retry-after": String(QUEUE_RETRY_AFTER_SECONDS) } },
    );
  }
}

/** Packs events into messages under the Queues size limits and sends them in as few calls as fit. */
export async function enqueue(
  env: EdgeEnv,
  siteId: string,
  events: EnrichedEvent[],
  bots?: IngestMessage["bots"],
): Promise<void> {
  // Leave room in each message for its envelope.
  const groups = events.length ? chunkByJsonBytes(events, QUEUE_MAX_MESSAGE_BYTES - 1_000) : [];
  const messages: IngestMessage[] = groups.map((g) => ({ v: 1, siteId, events: g }));
  if (bots) {
    if (messages.length) messages[0]!.bots = bots;
    else messages.push({ v: 1, siteId, events: [], bots });
  }
  // The usual request makes one message, within the message limit and so within a batch's: it is
  // sent without serialising it again to measure it.
  if (messages.length === 1) return sendToQueue(env, siteId, [{ body: messages[0]! }]);
  let batch: { body: IngestMessage }[] = [];
  let batchBytes = 0;
  for (const body of messages) {
    const bytes = byteLength(JSON.stringify(body));
    if (
      batch.length &&
      (batchBytes + bytes > QUEUE_MAX_BATCH_BYTES - 1_000 || batch.length >= QUEUE_MAX_BATCH_MESSAGES)
    ) {
      await sendToQueue(env, siteId, batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push({ body });
    batchBytes += bytes;
  }
  if (batch.length) await sendToQueue(env, siteId, batch);
}
