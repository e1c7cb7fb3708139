// Platform limits are design inputs: bulk statements stay inside D1's and Queues' limits.
import { describe, expect, it } from "vitest";
import { SERVER_MAX_EVENTS } from "../../functions/edge/capture/schemas";
import {
  byteLength,
  chunkByJsonBytes,
  D1_MAX_BOUND_PARAMS,
  D1_MAX_STATEMENT_BYTES,
  JSON_PARAM_BUDGET_BYTES,
  MAX_EVENT_BYTES,
} from "../../schema/limits";
import { BULK_SQL } from "../../schema/queries/ingest";
import { MAX_REFUND_LOOKUP_ORDERS } from "../../jobs/recs/data";
import { MAX_RANK_ITEMS } from "../../functions/shared/recommend-api";
import { api, createSite, eventually, storedEvents, storedSessions, unique } from "./helpers";

describe("platform limits", () => {
  it("bulk statements bind 2-3 parameters and fit D1's statement size with a full JSON payload", () => {
    for (const sqlText of Object.values(BULK_SQL)) {
      const params = new Set(sqlText.match(/\?\d+/g));
      expect(params.size).toBeLessThanOrEqual(3);
      expect(params.size).toBeLessThan(D1_MAX_BOUND_PARAMS);
      expect(byteLength(sqlText) + JSON_PARAM_BUDGET_BYTES).toBeLessThan(D1_MAX_STATEMENT_BYTES);
    }
    expect(MAX_EVENT_BYTES * 2).toBeLessThan(JSON_PARAM_BUDGET_BYTES); // any single event fits a statement
  });

  it("the recommend Worker's id lists, bound as one JSON parameter, stay inside the budget at their caps", () => {
    const longestId = "x".repeat(128); // order and item ids are at most 128 characters
    for (const cap of [MAX_REFUND_LOOKUP_ORDERS, MAX_RANK_ITEMS]) {
      const json = JSON.stringify(Array.from({ length: cap }, () => longestId));
      expect(byteLength(json)).toBeLessThan(JSON_PARAM_BUDGET_BYTES);
    }
  });

  it("chunks never exceed the byte budget or the item cap", () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ i, pad: "x".repeat(i % 97) }));
    const chunks = chunkByJsonBytes(items, 5_000, 70);
    expect(chunks.flat()).toEqual(items);
    for (const c of chunks) {
      expect(byteLength(JSON.stringify(c))).toBeLessThanOrEqual(5_000);
      expect(c.length).toBeLessThanOrEqual(70);
    }
    expect(() => chunkByJsonBytes([{ pad: "x".repeat(100) }], 50)).toThrow();
  });

  it(`stores a full server batch of ${SERVER_MAX_EVENTS} large events through the queue, exactly once`, async () => {
    const site = await createSite();
    const props = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`p${i}`, "值".repeat(60)]));
    const events = Array.from({ length: SERVER_MAX_EVENTS }, (_, i) => ({
      id: unique(`b${i}-`),
      type: "custom",
      name: "lesson_completed",
      user_id: `learner-${i % 50}`,
      props,
      ts: Date.now() - 60_000 + i,
    }));
    const body = JSON.stringify({ events });
    expect(byteLength(body)).toBeGreaterThan(800_000); // near the 1 MB body cap: many statements and messages
    const res = await api("/api/v1/events", {
      method: "POST",
      token: site.ingest,
      body,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(SERVER_MAX_EVENTS);
    await eventually(async () => (await storedEvents(site.id)).length === SERVER_MAX_EVENTS, 20_000);
    const sessions = await storedSessions(site.id);
    expect(sessions).toHaveLength(50);
    expect(sessions.reduce((n, s) => n + Number(s.events), 0)).toBe(SERVER_MAX_EVENTS);
  });
});
