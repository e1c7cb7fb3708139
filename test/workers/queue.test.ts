// The consumer itself: redelivery writes nothing twice; a poison message is retried alone while
// the rest are kept; malformed messages go straight to the dead-letter queue; the DLQ consumer keeps
// them; a message that fails every attempt is logged each time and dead-lettered with D1's own error.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { retryDelaySeconds } from "../../jobs/ingest";
import { DEAD_LETTER_QUEUE_NAME, EVENTS_QUEUE_NAME, INGEST_MAX_RETRIES, type IngestMessage } from "../../core/queue";
import { createSite, eventually, storedEvents, storedSessions } from "./helpers";
import { deliver, enriched } from "./queue-helpers";

describe("queue consumer", () => {
  it("writes nothing twice when a batch is delivered again", async () => {
    const site = await createSite();
    const msg: IngestMessage = {
      v: 1,
      siteId: site.id,
      events: [enriched(), enriched({ type: "engagement", engagedMs: 5000, path: "/" })],
    };
    const first = await deliver(EVENTS_QUEUE_NAME, [msg]);
    expect(first.explicitAcks).toHaveLength(1);
    await deliver(EVENTS_QUEUE_NAME, [msg]);
    expect(await storedEvents(site.id)).toHaveLength(2);
    const [session, ...others] = await storedSessions(site.id);
    expect(others).toHaveLength(0);
    expect(session).toMatchObject({ pageviews: 1, events: 2, engaged_ms: 5000 });
  });

  it("retries only the message that fails, with backoff, and keeps the others", async () => {
    const site = await createSite();
    const good: IngestMessage = { v: 1, siteId: site.id, events: [enriched()] };
    // An event with neither visitor nor user cannot be sessionised: the write of this message fails.
    const poison: IngestMessage = { v: 1, siteId: site.id, events: [enriched({ visitorId: null, userId: null })] };
    const result = await deliver(EVENTS_QUEUE_NAME, [good, poison], 3);
    expect(result.explicitAcks).toEqual([result.ids[0]]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([result.ids[1]]);
    expect([1, 2, 3, 10].map(retryDelaySeconds)).toEqual([2, 4, 8, 300]); // backoff, capped
    expect((await storedEvents(site.id)).map((e) => e.id)).toEqual([good.events[0]!.id]);
  });

  it("sends malformed messages straight to the dead-letter queue, whose consumer keeps them", async () => {
    const result = await deliver(EVENTS_QUEUE_NAME, [{ hello: "world" }]);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await eventually(async () =>
      env.DB.prepare("SELECT body, error FROM dead_letters WHERE body LIKE '%hello%'").first<{
        body: string;
        error: string;
      }>(),
    );
    expect(row.error).toBe("malformed ingest message");

    const dead = await deliver(DEAD_LETTER_QUEUE_NAME, [{ v: 1, siteId: "x", events: [] }]);
    expect(dead.explicitAcks.length + (dead.ackAll ? 1 : 0)).toBeGreaterThan(0);
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM dead_letters WHERE error = 'failed after max retries'",
    ).first<{ n: number }>();
    expect(count!.n).toBeGreaterThanOrEqual(1);
  });

  it("logs each failure with its site and message, and dead-letters the last attempt with D1's error", async () => {
    const site = await createSite();
    // events.device is NOT NULL: the consumer's D1 batch itself refuses this event.
    const bad: IngestMessage = { v: 1, siteId: site.id, events: [enriched({ device: null as unknown as string })] };
    const logged = vi.spyOn(console, "error");
    let last: Awaited<ReturnType<typeof deliver>>;
    try {
      const early = await deliver(EVENTS_QUEUE_NAME, [bad], 2);
      expect(early.retryMessages.map((m) => m.msgId)).toEqual([early.ids[0]]);
      last = await deliver(EVENTS_QUEUE_NAME, [bad], INGEST_MAX_RETRIES + 1);
      expect(last.retryMessages).toEqual([]);
      expect(last.explicitAcks).toEqual([last.ids[0]]); // handed to the dead-letter queue, not dropped
      const failures = logged.mock.calls.filter(([label]) => label === "ingest: message failed").map(([, c]) => c);
      for (const [messageId, attempts] of [
        [early.ids[0], 2],
        [last.ids[0], INGEST_MAX_RETRIES + 1],
      ]) {
        expect(failures).toContainEqual({
          siteId: site.id,
          messageId,
          attempts,
          error: expect.stringMatching(/NOT NULL constraint failed: events\.device/),
        });
      }
    } finally {
      logged.mockRestore();
    }
    const row = await eventually(async () =>
      env.DB.prepare("SELECT body, error FROM dead_letters WHERE body LIKE ?1")
        .bind(`%${last.ids[0]}%`)
        .first<{ body: string; error: string }>(),
    );
    expect(row.error).toMatch(/NOT NULL constraint failed: events\.device/);
    expect(JSON.parse(row.body)).toMatchObject({
      messageId: last.ids[0],
      attempts: INGEST_MAX_RETRIES + 1,
      body: { siteId: site.id, events: [{ id: bad.events[0]!.id }] },
    });
    expect(await storedEvents(site.id)).toHaveLength(0);
  });
});
