// Fault injection in the queue consumer (issue 20): D1 failing in the middle of a batch, for one
// message or after it already wrote, and the same batch delivered twice, one after the other or at once. Each case ends with every
// event stored once, every counter (sessions, bot hits) counted once, and the failure visible: the
// log line with site and message, the retry, the dead-letter row with the real error.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { DEAD_LETTER_QUEUE_NAME, EVENTS_QUEUE_NAME, INGEST_MAX_RETRIES, type IngestMessage } from "../../core/queue";
import { createSite, eventually, storedEvents, storedSessions } from "./helpers";
import { batchBinds, d1Outage, faultyDb, withBindings } from "./faults-helpers";
import { deliver, enriched } from "./queue-helpers";

const DAY = "2026-11-30";

async function botHits(siteId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT coalesce(sum(hits), 0) AS n FROM bot_hits WHERE site_id = ?1")
    .bind(siteId)
    .first<{ n: number }>();
  return row!.n;
}

/** A message of `n` pageviews by one visitor (one session), with 3 bot hits beside them. */
function pageviews(siteId: string, n: number, visitor = `h_${siteId}`): IngestMessage {
  const ts = Date.now() - 120_000;
  return {
    v: 1,
    siteId,
    events: Array.from({ length: n }, (_, i) => enriched({ visitorId: visitor, ts: ts + i * 1000, path: `/p${i}` })),
    bots: { [DAY]: { Googlebot: 2, Bingbot: 1 } },
  };
}

/** What the consumer logged as failed messages while `run` ran. */
async function failuresLogged(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const warned = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    await run();
    return logged.mock.calls.filter(([label]) => label === "ingest: message failed").map(([, c]) => c);
  } finally {
    logged.mockRestore();
    warned.mockRestore();
  }
}

describe("D1 failing in the middle of a consumer batch", () => {
  it("keeps the good messages once, retries the failing one, and counts nothing twice", async () => {
    const [a, b] = [await createSite(), await createSite()];
    const good = pageviews(a.id, 3);
    const flaky = pageviews(b.id, 2);
    // D1 refuses every write of site B: site A's write in the same delivery has already committed
    // when B's fails, and the consumer then writes each message again on its own.
    let outage = true;
    const db = faultyDb({
      beforeBatch: (args) => {
        if (outage && batchBinds(args, b.id)) throw d1Outage("site B's write");
      },
    });
    let first!: Awaited<ReturnType<typeof deliver>>;
    const failures = await failuresLogged(async () => {
      first = await deliver(EVENTS_QUEUE_NAME, [good, flaky], 1, { env: withBindings({ DB: db }) });
    });
    expect(first.explicitAcks).toEqual([first.ids[0]]);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual([first.ids[1]]);
    expect(failures).toEqual([
      { siteId: b.id, messageId: first.ids[1], attempts: 1, error: expect.stringContaining("injected: site B") },
    ]);
    expect(await storedEvents(a.id)).toHaveLength(3);
    expect(await storedSessions(a.id)).toMatchObject([{ pageviews: 3, events: 3 }]);
    expect(await botHits(a.id)).toBe(3); // A was written twice in that delivery: its bots count once
    expect(await storedEvents(b.id)).toHaveLength(0);

    // The outage ends: Queues redelivers B's message (same id), which now lands, once.
    outage = false;
    const second = await deliver(EVENTS_QUEUE_NAME, [flaky], 2, {
      env: withBindings({ DB: db }),
      ids: [first.ids[1]!],
    });
    expect(second.explicitAcks).toEqual([first.ids[1]]);
    expect(await storedEvents(b.id)).toHaveLength(2);
    expect(await storedSessions(b.id)).toMatchObject([{ pageviews: 2, events: 2 }]);
    expect([await botHits(a.id), await botHits(b.id)]).toEqual([3, 3]);
  });

  it("dead-letters a message D1 refuses on every attempt, with D1's error, and keeps its neighbours", async () => {
    const [a, b] = [await createSite(), await createSite()];
    const good = pageviews(a.id, 1);
    const poison = pageviews(b.id, 1);
    const db = faultyDb({
      beforeBatch: (args) => {
        if (batchBinds(args, b.id)) throw new Error("D1_ERROR: injected: SQLITE_FULL: database or disk is full");
      },
    });
    let last!: Awaited<ReturnType<typeof deliver>>;
    const failures = await failuresLogged(async () => {
      last = await deliver(EVENTS_QUEUE_NAME, [good, poison], INGEST_MAX_RETRIES + 1, {
        env: withBindings({ DB: db }),
      });
    });
    // Both acked: the good one written, the poison one handed to the dead-letter queue (not dropped).
    expect(last.explicitAcks).toEqual(last.ids);
    expect(last.retryMessages).toEqual([]);
    expect(failures).toContainEqual(
      expect.objectContaining({ siteId: b.id, messageId: last.ids[1], error: expect.stringMatching(/SQLITE_FULL/) }),
    );
    expect(await storedEvents(a.id)).toHaveLength(1);
    expect(await storedEvents(b.id)).toHaveLength(0);
    const row = await eventually(async () =>
      env.DB.prepare("SELECT body, error FROM dead_letters WHERE body LIKE ?1")
        .bind(`%${last.ids[1]}%`)
        .first<{ body: string; error: string }>(),
    );
    expect(row.error).toMatch(/D1_ERROR: injected: SQLITE_FULL: database or disk is full/);
    expect(JSON.parse(row.body)).toMatchObject({ messageId: last.ids[1], body: { siteId: b.id } });
  });
});

describe("a consumer that fails after writing, before acknowledging", () => {
  it("writes nothing twice when the message comes back", async () => {
    const site = await createSite();
    const msg = pageviews(site.id, 4);
    // D1 commits each write, but the answer is lost (the connection drops after the commit), on the
    // batched write and again on the one-by-one retry: the consumer cannot ack and Queues redelivers.
    let lostAnswers = 2;
    const db = faultyDb({
      afterBatch: () => {
        if (lostAnswers-- > 0) throw d1Outage("answer lost after commit");
      },
    });
    let first!: Awaited<ReturnType<typeof deliver>>;
    const failures = await failuresLogged(async () => {
      first = await deliver(EVENTS_QUEUE_NAME, [msg], 1, { env: withBindings({ DB: db }) });
    });
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(first.ids);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ siteId: site.id, error: expect.stringContaining("answer lost") });

    const again = await deliver(EVENTS_QUEUE_NAME, [msg], 2, { ids: first.ids });
    expect(again.explicitAcks).toEqual(first.ids);
    const events = await storedEvents(site.id);
    expect(events.map((e) => e.id).sort()).toEqual(msg.events.map((e) => e.id).sort());
    expect(await storedSessions(site.id)).toMatchObject([{ pageviews: 4, events: 4 }]);
    expect(await botHits(site.id)).toBe(3);
  });
});

describe("a redelivered batch", () => {
  it("stores the same messages once, events, sessions and bot hits alike", async () => {
    const site = await createSite();
    const batch = [pageviews(site.id, 2, "h_one"), pageviews(site.id, 3, "h_two")];
    const first = await deliver(EVENTS_QUEUE_NAME, batch);
    const again = await deliver(EVENTS_QUEUE_NAME, batch, 2, { ids: first.ids });
    expect([first.explicitAcks, again.explicitAcks]).toEqual([first.ids, first.ids]);
    expect(await storedEvents(site.id)).toHaveLength(5);
    const sessions = await storedSessions(site.id);
    expect(sessions.map((s) => s.pageviews).sort()).toEqual([2, 3]);
    expect(await botHits(site.id)).toBe(6); // two messages of 3 bot hits, each counted once
  });

  it("keeps a dead letter delivered twice once", async () => {
    const body = { deadLetter: 1, messageId: "dl-twice", attempts: 6, error: "D1_ERROR: injected", body: {} };
    const first = await deliver(DEAD_LETTER_QUEUE_NAME, [body]);
    await deliver(DEAD_LETTER_QUEUE_NAME, [body], 2, { ids: first.ids });
    const row = await env.DB.prepare("SELECT count(*) AS n FROM dead_letters WHERE id = ?1")
      .bind(first.ids[0])
      .first<{ n: number }>();
    expect(row!.n).toBe(1);
  });

  it("counts each event once when two deliveries of overlapping events run at once", async () => {
    const site = await createSite();
    const ts = Date.now() - 120_000;
    const events = Array.from({ length: 4 }, (_, i) => enriched({ visitorId: "h_race", ts: ts + i * 1000 }));
    // The same message delivered twice at once, and a resent request whose events overlap it.
    const message = (from: number, to: number): IngestMessage => ({
      v: 1,
      siteId: site.id,
      events: events.slice(from, to),
    });
    const logged = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const results = await Promise.all([
        deliver(EVENTS_QUEUE_NAME, [message(0, 3)], 1, { ids: ["race-a"] }),
        deliver(EVENTS_QUEUE_NAME, [message(0, 3)], 1, { ids: ["race-a"] }),
        deliver(EVENTS_QUEUE_NAME, [message(1, 4)], 1, { ids: ["race-b"] }),
      ]);
      // Every delivery settles: acked now, or retried (then it writes nothing new).
      for (const r of results) expect(r.explicitAcks.length + r.retryMessages.length).toBe(1);
      for (const r of results.filter((r) => r.retryMessages.length > 0))
        expect((await deliver(EVENTS_QUEUE_NAME, [message(0, 4)], 2, { ids: r.ids })).explicitAcks).toEqual(r.ids);
    } finally {
      logged.mockRestore();
    }
    expect(await storedEvents(site.id)).toHaveLength(4);
    expect(await storedSessions(site.id)).toMatchObject([{ pageviews: 4, events: 4 }]);
  });
});
