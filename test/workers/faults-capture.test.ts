// Fault injection at the edge (issue 20): the events queue refusing a send. The client must hear a
// retryable 503 (Retry-After, the error envelope), never a 202 for events that went nowhere, and a
// resend must store each event exactly once, even when part of a large batch had reached the queue.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { QUEUE_RETRY_AFTER_SECONDS } from "../../functions/edge/capture/accept";
import {
  BASE,
  BROWSER_UA,
  collect,
  createSite,
  eventsLanded,
  eventually,
  expectError,
  pageview,
  unique,
  uniqueIp,
} from "./helpers";
import { fetchWith, withBindings } from "./faults-helpers";
import { SITE_CACHE_MAX, siteByPublicKey, siteCacheSize } from "../../schema/queries/sites";

/** EVENTS_QUEUE refusing sendBatch from its `failFrom`-th call on (1-based); earlier calls go through. */
function faultyQueue(failFrom: number) {
  let calls = 0;
  const sent: number[] = [];
  const queue = new Proxy(env.EVENTS_QUEUE, {
    get(target, prop) {
      if (prop === "sendBatch") {
        return async (batch: MessageSendRequest[], options?: QueueSendBatchOptions) => {
          if (++calls >= failFrom) throw new Error("Queue send failed: injected: service unavailable");
          sent.push(batch.length);
          return target.sendBatch(batch, options);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { queue, sent, calls: () => calls };
}

async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; logged: unknown[][] }> {
  const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    return { result: await run(), logged: spy.mock.calls };
  } finally {
    spy.mockRestore();
  }
}

async function countStored(siteId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE site_id = ?1")
    .bind(siteId)
    .first<{ n: number }>();
  return row!.n;
}

describe("a queue send that fails at the edge", () => {
  it("answers /api/collect with a retryable 503, and the resend lands once", async () => {
    const site = await createSite();
    const events = [pageview(`${site.origin}/a`), pageview(`${site.origin}/b`)];
    const ip = uniqueIp();
    const { queue } = faultyQueue(1);
    const request = new Request(`${BASE}/api/collect`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": BROWSER_UA,
        "cf-connecting-ip": ip,
        origin: site.origin,
      },
      body: JSON.stringify({ site: site.publicKey, events }),
    });
    const { result: res, logged } = await quietly(() => fetchWith(request, withBindings({ EVENTS_QUEUE: queue })));
    expect(res.headers.get("retry-after")).toBe(String(QUEUE_RETRY_AFTER_SECONDS));
    const body = await expectError(res, 503, "queue_unavailable");
    expect(body.error.message).toContain(`${QUEUE_RETRY_AFTER_SECONDS} seconds`);
    expect(logged).toContainEqual([
      "capture: queue send failed",
      { siteId: site.id, messages: 1, events: 2, error: expect.stringContaining("injected: service unavailable") },
    ]);

    // The client resends the same batch once the queue is back: each event stored once.
    expect((await collect(site, events, { ip })).status).toBe(202);
    const rows = await eventsLanded(site.id, 2);
    expect(rows.map((r) => r.id).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("refuses a server batch whose later part could not be queued, and its resend stores each event once", async () => {
    const site = await createSite();
    // About 600 KB: several sendBatch calls of at most 256 KB. The first goes through, the second fails.
    const filler = "x".repeat(500);
    const events = Array.from({ length: 600 }, (_, i) => ({
      id: unique("srv"),
      type: "signup",
      user_id: `learner-${i % 40}`,
      ts: Date.now() - 60_000,
      props: { note: filler, more: filler },
    }));
    const { queue, sent, calls } = faultyQueue(2);
    const request = new Request(`${BASE}/api/v1/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${site.ingest}` },
      body: JSON.stringify({ events }),
    });
    const { result: res } = await quietly(() => fetchWith(request, withBindings({ EVENTS_QUEUE: queue })));
    await expectError(res, 503, "queue_unavailable");
    expect(res.headers.get("retry-after")).toBe(String(QUEUE_RETRY_AFTER_SECONDS));
    expect(calls()).toBe(2); // it stopped at the failure
    expect(sent).toHaveLength(1); // part of the batch did reach the queue: the resend must not double it

    const again = await fetchWith(
      new Request(request.url, { method: "POST", headers: request.headers, body: JSON.stringify({ events }) }),
      env,
    );
    expect(again.status).toBe(202);
    await eventsLanded(site.id, events.length);
    expect(await countStored(site.id)).toBe(events.length);
    // Sessions count each event once, though the first part's events reached the consumer twice.
    const counted = await eventually(async () => {
      const row = await env.DB.prepare("SELECT sum(events) AS n FROM sessions WHERE site_id = ?1")
        .bind(site.id)
        .first<{ n: number | null }>();
      return (row?.n ?? 0) >= events.length ? row!.n : null;
    });
    expect(counted).toBe(events.length);
  });
});

describe("the capture path's site cache", () => {
  it("stays within SITE_CACHE_MAX however many unknown public keys are posted", async () => {
    const site = await createSite();
    expect(await siteByPublicKey(env.DB, site.publicKey)).toMatchObject({ id: site.id });
    // A database that knows no key answers at once: 10,000 real lookups would take minutes here.
    const statement = {
      bind: () => statement,
      all: async () => ({ results: [], success: true, meta: {} }),
      raw: async () => [],
      first: async () => null,
    };
    const empty = { prepare: () => statement } as unknown as D1Database;
    for (let i = 0; i < 10_000; i += 100) {
      const keys = Array.from({ length: 100 }, () => `wf_pk_${crypto.randomUUID().replaceAll("-", "")}`);
      const found = await Promise.all(keys.map((k) => siteByPublicKey(empty, k)));
      expect(found.every((f) => f === null)).toBe(true);
      expect(siteCacheSize()).toBeLessThanOrEqual(SITE_CACHE_MAX);
    }
    expect(siteCacheSize()).toBe(SITE_CACHE_MAX);
    // The real key was pushed out (least recently used) and is simply looked up again.
    expect(await siteByPublicKey(env.DB, site.publicKey)).toMatchObject({ id: site.id });
    const res = await collect(site, [pageview(`${site.origin}/after`)]);
    expect(res.status).toBe(202);
  });
});
