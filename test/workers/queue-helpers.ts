// Queue messages and deliveries for the consumer tests (queue.test.ts, faults-queue.test.ts).
import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import type { EnrichedEvent } from "../../core/event";
import worker from "../../functions/edge/index";
import { unique } from "./helpers";

/** An enriched event as the collector queues it. */
export function enriched(overrides: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return {
    id: unique("q"),
    type: "pageview",
    name: null,
    ts: Date.now() - 60_000,
    receivedAt: Date.now(),
    origin: "browser",
    visitorId: "h_queue_visitor",
    userId: null,
    url: "https://q.example.com/",
    hostname: "q.example.com",
    path: "/",
    referrer: null,
    title: null,
    source: "(direct)",
    medium: "(none)",
    campaign: "(direct)",
    term: null,
    content: null,
    utmId: null,
    channel: "Direct",
    clickIdType: null,
    clickId: null,
    partnerCode: null,
    device: "desktop",
    browser: null,
    os: null,
    country: null,
    region: null,
    screen: null,
    language: null,
    engagedMs: null,
    revenueMinor: null,
    currency: null,
    orderId: null,
    items: null,
    props: null,
    recId: null,
    hasCampaign: false,
    ...overrides,
  };
}

/**
 * Hands bodies to the Worker's queue handler as one batch (`ids` names them again for a redelivery)
 * and returns what it acked and retried.
 */
export async function deliver(
  queue: string,
  bodies: unknown[],
  attempts = 1,
  options: { env?: typeof env; ids?: string[] } = {},
) {
  const ids = options.ids ?? bodies.map((_, i) => `m${i}-${unique()}`);
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: ids[i]!, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ?? env, ctx);
  await waitOnExecutionContext(ctx);
  return { ...(await getQueueResult(batch, ctx)), ids };
}
