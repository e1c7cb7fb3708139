// A run's failed webhook attempts log one line each that names the cause (network error, timeout,
// HTTP status), at most LOGGED_FAILURES_PER_ENDPOINT per endpoint, then one summary line: an
// unreachable receiver must not flood the terminal with one multi-line warning per learner.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  deliverDue,
  type Fetcher,
  LOGGED_FAILURES_PER_ENDPOINT,
  sealWebhookSecret,
  webhookSealingKey,
} from "../../jobs/learners/webhooks";
import { createDeliveries, deliveriesOf, insertEndpoint } from "../../schema/queries/webhooks";
import { createSite, type TestSite, unique } from "./helpers";

let site: TestSite;
beforeAll(async () => {
  site = await createSite();
});
afterEach(() => vi.restoreAllMocks());

/** An endpoint with `n` due deliveries; returns its id. */
async function endpointWith(n: number, url: string, now: number): Promise<string> {
  const id = unique("we_");
  const sealedSecret = await sealWebhookSecret(webhookSealingKey(env)!, site.id, id, "whsec_c2VjcmV0");
  await insertEndpoint(
    siteDatabase(env, site.id),
    { siteId: site.id },
    { id, url, events: ["learner.at_risk"], sealedSecret, createdAt: now },
  );
  const rows = Array.from({ length: n }, (_, i) => ({
    id: unique("wd_"),
    endpointId: id,
    event: "learner.at_risk" as const,
    subject: `u${i}`,
    period: "2026-W49",
    payload: "{}",
  }));
  await createDeliveries(siteDatabase(env, site.id), { siteId: site.id }, rows, now);
  return id;
}

async function run(fetcher: Fetcher, now: number) {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  const counts = await deliverDue(env, { siteId: site.id }, now, fetcher);
  const lines = warn.mock.calls.map((args) => {
    expect(args).toHaveLength(1); // one string: no object spread over several lines
    return String(args[0]);
  });
  return { counts, lines };
}

describe("webhook failure log", () => {
  it("names workerd's hidden network error, logs a few attempts per endpoint, then one summary", async () => {
    const now = Date.now() + 1000;
    const id = await endpointWith(8, "https://hooks.example.com/offline", now);
    const { counts, lines } = await run(async () => {
      throw new Error("internal error; reference = 3kq9v1a0bp7");
    }, now);
    expect(counts).toEqual({ delivered: 0, failed: 8 });
    expect(lines).toHaveLength(LOGGED_FAILURES_PER_ENDPOINT + 1);
    for (const line of lines) expect(line).not.toContain("\n");
    for (const line of lines.slice(0, -1)) {
      expect(line).toContain("https://hooks.example.com/offline");
      expect(line).toContain("network error (DNS or connection)");
      expect(line).toContain("attempt 1/5");
      expect(line).toContain("retried in 15 min");
    }
    expect(lines.at(-1)).toContain(`${8 - LOGGED_FAILURES_PER_ENDPOINT} more failed attempts`);
    expect(lines.at(-1)).toContain(id);
    // The stored error says the same.
    const stored = (await deliveriesOf(siteDatabase(env, site.id), { siteId: site.id }, 50)).filter(
      (d) => d.endpointId === id,
    );
    expect(stored.map((d) => d.lastError)).toEqual(Array(8).fill("network error (DNS or connection)"));
  });

  it("says a timeout and an HTTP status, one line each", async () => {
    const now = Date.now() + 2000;
    await endpointWith(1, "https://hooks.example.com/slow", now);
    await endpointWith(1, "https://hooks.example.com/down", now);
    const { lines } = await run(async (r) => {
      if (r.url.endsWith("/slow")) throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      return new Response("no", { status: 503 });
    }, now);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes("/slow"))).toContain("timed out after 10 s");
    expect(lines.find((l) => l.includes("/down"))).toContain("HTTP 503");
  });
});
