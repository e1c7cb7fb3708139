// The collector's cheap paths: a client's first requests in a minute do not spend the shared rate
// limiter's quota (COLLECT_LIMITER, the real binding here), floods still meet it, and user agents
// are parsed once each within a bounded cache.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  clientAllowed,
  LIMITER_WINDOW_MS,
  LOCAL_FREE_REQUESTS,
  LOCAL_LIMITER_MAX_CLIENTS,
} from "../../functions/edge/capture/client-limiter";
import { parseClient, parsedUserAgents, USER_AGENT_CACHE_MAX } from "../../functions/edge/capture/enrich";
import { unique } from "./helpers";

/** Spends a key's whole quota on the shared limiter; the number of requests it still allowed. */
async function exhaust(key: string): Promise<number> {
  let allowed = 0;
  while (allowed < 1_000 && (await env.COLLECT_LIMITER.limit({ key })).success) allowed += 1;
  return allowed;
}

describe("collector rate limit in two tiers", () => {
  // A fixed minute of the local tier: the shared limiter keeps its own clock.
  const minute = Math.floor(Date.now() / LIMITER_WINDOW_MS) * LIMITER_WINDOW_MS;

  it("answers a client's first requests locally, then asks the shared limiter", async () => {
    const key = `site|${unique("client")}`;
    for (let i = 0; i < LOCAL_FREE_REQUESTS; i++)
      expect(await clientAllowed(env.COLLECT_LIMITER, key, minute)).toBe(true);
    // None of those were counted by the shared limiter: its whole quota (120 a minute) is left.
    expect(await exhaust(key)).toBeGreaterThanOrEqual(120);
    // The next request from this client goes to the shared limiter, which now refuses it.
    expect(await clientAllowed(env.COLLECT_LIMITER, key, minute)).toBe(false);
    // A new minute starts the local count again.
    expect(await clientAllowed(env.COLLECT_LIMITER, key, minute + LIMITER_WINDOW_MS)).toBe(true);
  });

  it("sends every new client to the shared limiter once the local table is full", async () => {
    const later = minute + 2 * LIMITER_WINDOW_MS;
    for (let i = 0; i < LOCAL_LIMITER_MAX_CLIENTS; i++) await clientAllowed(env.COLLECT_LIMITER, `fill|${i}`, later);
    const key = `site|${unique("flood")}`;
    await exhaust(key);
    // Its first request, but the table has no room: the shared limiter decides.
    expect(await clientAllowed(env.COLLECT_LIMITER, key, later)).toBe(false);
  }, 60_000);
});

describe("user agent parsing", () => {
  it("keeps at most USER_AGENT_CACHE_MAX parsed user agents, and a cached answer equals a fresh one", () => {
    const chrome =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40";
    const first = parseClient(chrome);
    for (let i = 0; i < USER_AGENT_CACHE_MAX + 50; i++) parseClient(`Mozilla/5.0 (X11; Linux x86_64) Flood/${i}`);
    expect(parsedUserAgents()).toBe(USER_AGENT_CACHE_MAX);
    expect(parseClient(chrome)).toEqual(first); // parsed again after eviction
    expect(parseClient(chrome)).toEqual(first); // and from the cache
    expect(first).toMatchObject({ device: "mobile", os: "iOS", bot: false });
    // The screen still decides the device for user agents that name none, cached or not.
    const desktopUa = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";
    expect(parseClient(desktopUa, "390x844").device).toBe("mobile");
    expect(parseClient(desktopUa, "1920x1080").device).toBe("desktop");
  });
});
