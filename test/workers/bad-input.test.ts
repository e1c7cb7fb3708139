// Every bad input gets the one error envelope, the right status, and never costs good data.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PUBLIC_MAX_BODY_BYTES, PUBLIC_MAX_EVENTS, SERVER_MAX_EVENTS } from "../../functions/edge/capture/schemas";
import {
  api,
  BASE,
  BROWSER_UA,
  collect,
  createSite,
  eventsLanded,
  expectError,
  pageview,
  unique,
  uniqueIp,
} from "./helpers";
import { DAY_MS } from "../../core/time";

function rawCollect(body: string, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}/api/collect`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": BROWSER_UA,
      "cf-connecting-ip": uniqueIp(),
      ...headers,
    },
    body,
  });
}

describe("public collector", () => {
  it("refuses malformed JSON", async () => {
    await expectError(await rawCollect("{not json"), 400, "invalid_json");
  });

  it("refuses a body of the wrong shape, naming the field", async () => {
    const site = await createSite();
    await expectError(
      await rawCollect(JSON.stringify({ site: site.publicKey, events: "nope" }), { origin: site.origin }),
      400,
      "validation_failed",
      "events",
    );
  });

  it("keeps valid events and reports each rejected one by index", async () => {
    const site = await createSite();
    const good = pageview(`${site.origin}/ok`);
    const res = await collect(site, [
      { id: unique(), type: "teleport", url: `${site.origin}/` },
      good,
      { id: unique(), type: "purchase", order_id: "o1", revenue: 10, currency: "XYZ" },
      { id: unique(), type: "pageview", url: `${site.origin}/`, ts: Date.now() + 3600_000 },
      { id: unique(), type: "pageview", url: `${site.origin}/`, ts: Date.now() - 8 * DAY_MS },
      { id: unique(), type: "pageview", url: `${site.origin}/`, ts: "yesterday" },
      { id: unique(), type: "custom" },
    ]);
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: number;
      rejected: { index: number; code: string; issues: { path: string }[] }[];
    };
    expect(body.accepted).toBe(1);
    const byIndex = Object.fromEntries(body.rejected.map((r) => [r.index, r]));
    expect(Object.keys(byIndex).map(Number)).toEqual([0, 2, 3, 4, 5, 6]);
    expect(byIndex[0]!.issues[0]!.path).toBe("events.0.type");
    expect(byIndex[2]!.issues.map((i) => i.path)).toContain("events.2.currency");
    expect(byIndex[3]!.code).toBe("invalid_timestamp");
    expect(byIndex[4]!.code).toBe("invalid_timestamp");
    expect(byIndex[5]!.issues[0]!.path).toBe("events.5.ts");
    expect(byIndex[6]!.issues.map((i) => i.path)).toContain("events.6.name");
    const rows = await eventsLanded(site.id, 1);
    expect(rows.map((r) => r.id)).toEqual([good.id]);
  });

  it("answers 400 with the envelope when nothing in the batch is valid", async () => {
    const site = await createSite();
    await expectError(await collect(site, [{ id: "x", type: "nope" }]), 400, "invalid_event", "events.0.type");
  });

  it("refuses oversized bodies and too many events", async () => {
    const site = await createSite();
    const big = JSON.stringify({
      site: site.publicKey,
      events: [pageview(`${site.origin}/`, { title: "x".repeat(PUBLIC_MAX_BODY_BYTES) })],
    });
    await expectError(await rawCollect(big, { origin: site.origin }), 413, "payload_too_large");
    const many = Array.from({ length: PUBLIC_MAX_EVENTS + 1 }, () => pageview(`${site.origin}/`));
    await expectError(await collect(site, many), 413, "too_many_events", "events");
  });

  it("refuses unknown site keys, secret keys in place of site keys, and other origins", async () => {
    const site = await createSite();
    await expectError(
      await collect({ ...site, publicKey: "wf_pk_unknown" }, [pageview(`${site.origin}/`)]),
      401,
      "unauthorized",
      "site",
    );
    await expectError(
      await collect({ ...site, publicKey: site.ingest }, [pageview(`${site.origin}/`)]),
      401,
      "unauthorized",
    );
    await expectError(
      await collect(site, [pageview(`${site.origin}/`)], { origin: "https://evil.example" }),
      403,
      "origin_not_allowed",
      "origin",
    );
    await expectError(await collect(site, [pageview(`${site.origin}/`)], { origin: null }), 403, "origin_not_allowed");
  });

  it("refuses other content types", async () => {
    await expectError(
      await rawCollect("a=b", { "content-type": "application/x-www-form-urlencoded" }),
      415,
      "unsupported_media_type",
    );
  });

  it("accepts sendBeacon's text/plain", async () => {
    const site = await createSite();
    const res = await collect(site, [pageview(`${site.origin}/beacon`)], { contentType: "text/plain;charset=UTF-8" });
    expect(res.status).toBe(202);
  });

  it("rate-limits one client of one site, not the others", async () => {
    const site = await createSite();
    const ip = uniqueIp();
    let limited: Response | undefined;
    for (let i = 0; i < 200 && !limited; i++) {
      const res = await collect(site, [pageview(`${site.origin}/r${i}`)], { ip });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(202);
    }
    expect(limited).toBeDefined();
    await expectError(limited!, 429, "rate_limited");
    expect((await collect(site, [pageview(`${site.origin}/other`)], { ip: uniqueIp() })).status).toBe(202);
  });

  it("drops everything from DNT / GPC visitors when the site honours it, and only then", async () => {
    const honouring = await createSite({ respect_dnt: true });
    const res = await collect(honouring, [pageview(`${honouring.origin}/`)], { headers: { dnt: "1" } });
    expect(await res.json()).toEqual({
      accepted: 0,
      rejected: [],
      dropped: 1,
      dropped_reasons: [{ index: 0, reason: "do_not_track", message: expect.stringContaining("DNT") }],
    });
    const gpc = await collect(honouring, [pageview(`${honouring.origin}/`)], { headers: { "sec-gpc": "1" } });
    const gpcBody = (await gpc.json()) as { dropped: number; dropped_reasons: { reason: string }[] };
    expect(gpcBody.dropped).toBe(1);
    expect(gpcBody.dropped_reasons.map((d) => d.reason)).toEqual(["do_not_track"]);
    const other = await createSite();
    const kept = await collect(other, [pageview(`${other.origin}/`)], { headers: { dnt: "1" } });
    expect(((await kept.json()) as { accepted: number }).accepted).toBe(1);
  });
});

describe("server API and keys", () => {
  it("needs a key, a known key, and the right scope", async () => {
    const site = await createSite();
    const body = { events: [{ id: unique(), type: "signup", user_id: "u1" }] };
    await expectError(await api("/api/v1/events", { method: "POST", json: body }), 401, "unauthorized");
    await expectError(
      await api("/api/v1/events", { method: "POST", json: body, token: "wf_sk_nope" }),
      401,
      "unauthorized",
    );
    await expectError(await api("/api/v1/events", { method: "POST", json: body, token: site.read }), 403, "forbidden");
    await expectError(
      await api("/api/v1/events", { method: "POST", json: body, token: site.publicKey }),
      401,
      "unauthorized",
    );
    expect((await api("/api/v1/events", { method: "POST", json: body, token: site.ingest })).status).toBe(202);
  });

  it("refuses a server body over 1 MB while reading it", async () => {
    const site = await createSite();
    const big = JSON.stringify({
      events: [{ id: unique(), type: "custom", name: "x", user_id: "u", title: "x".repeat(1024 * 1024) }],
    });
    await expectError(
      await api("/api/v1/events", {
        method: "POST",
        token: site.ingest,
        body: big,
        headers: { "content-type": "application/json" },
      }),
      413,
      "payload_too_large",
    );
  });

  it("refuses too many events and events that cannot be tied to anyone", async () => {
    const site = await createSite();
    const many = Array.from({ length: SERVER_MAX_EVENTS + 1 }, () => ({ id: unique(), type: "signup", user_id: "u" }));
    await expectError(
      await api("/api/v1/events", { method: "POST", json: { events: many }, token: site.ingest }),
      413,
      "too_many_events",
    );
    const anonymous = { events: [{ id: unique(), type: "custom", name: "x" }] };
    await expectError(
      await api("/api/v1/events", { method: "POST", json: anonymous, token: site.ingest }),
      400,
      "invalid_event",
      "events.0.user_id",
    );
  });

  it("validates admin requests with the same envelope", async () => {
    await expectError(
      await api("/api/v1/sites", {
        method: "POST",
        token: env.ADMIN_TOKEN,
        json: { name: "x", domain: "not a domain" },
      }),
      400,
      "validation_failed",
      "domain",
    );
    await expectError(
      await api("/api/v1/sites", {
        method: "POST",
        token: env.ADMIN_TOKEN,
        json: { name: "x", domain: "a.com", timezone: "Mars/Base" },
      }),
      400,
      "validation_failed",
      "timezone",
    );
    await expectError(
      await api("/api/v1/sites", {
        method: "POST",
        token: env.ADMIN_TOKEN,
        json: { name: "x", domain: "a.com", currency: "ABC" },
      }),
      400,
      "validation_failed",
      "currency",
    );
    await expectError(
      await api("/api/v1/sites", {
        method: "POST",
        token: env.ADMIN_TOKEN,
        json: { name: "x", domain: "a.com", channel_rules: [{ channel: "X", source: "(" }] },
      }),
      400,
      "validation_failed",
      "channel_rules.0.source",
    );
    await expectError(
      await api("/api/v1/sites", {
        method: "POST",
        token: env.ADMIN_TOKEN,
        body: "{",
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    const site = await createSite();
    await expectError(
      await api("/api/v1/sites", { method: "POST", token: site.admin, json: { name: "x", domain: "a.com" } }),
      403,
      "forbidden",
    );
    await expectError(
      await api(`/api/v1/sites/${site.id}/keys`, {
        method: "POST",
        token: site.admin,
        json: { name: "k", scopes: ["root"] },
      }),
      400,
      "validation_failed",
      "scopes.0",
    );
    await expectError(await api(`/api/v1/events?format=xml`, { token: site.read }), 400, "validation_failed", "format");
    await expectError(await api(`/api/v1/events?limit=5000`, { token: site.read }), 400, "validation_failed", "limit");
    await expectError(
      await api(`/api/v1/events?cursor=garbage`, { token: site.read }),
      400,
      "validation_failed",
      "cursor",
    );
    await expectError(await api("/api/v1/nothing-here"), 404, "not_found");
  });

  it("answers a wrong method on a known path with 405 and Allow, OpenAPI and plain routes alike", async () => {
    const site = await createSite();
    const cases: [method: string, path: string, allow: string][] = [
      ["GET", "/api/collect", "OPTIONS, POST"], // plain route with middleware
      ["GET", "/stats/api/collect", "OPTIONS, POST"], // the first-party prefix
      ["DELETE", "/api/v1/events", "GET, HEAD, POST"], // OpenAPI GET + plain POST
      ["POST", "/api/v1/sessions", "GET, HEAD"],
      ["PUT", `/api/v1/sites/${site.id}/keys`, "GET, HEAD, POST"], // a path parameter
      ["POST", "/t.js", "GET, HEAD"],
      ["GET", "/api/v1/rank", "POST"], // forwarded to the recommend Worker
    ];
    for (const [method, path, allow] of cases) {
      const res = await api(path, { method, token: site.admin });
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      const body = await expectError(res, 405, "method_not_allowed", "method");
      expect(body.error.message).toContain(method);
    }
    // Unknown paths stay 404, and a known method on a known path is never turned into a 405.
    await expectError(await api("/api/v1/nothing-here", { method: "DELETE" }), 404, "not_found");
    expect((await api("/api/v1/sessions", { token: site.read })).status).toBe(200);
    expect((await api("/t.js", { method: "HEAD" })).status).toBe(200);
  });

  it("explains that a public site key only works for /api/collect", async () => {
    const site = await createSite();
    const body = await expectError(
      await api("/api/v1/events", { token: site.publicKey }),
      401,
      "unauthorized",
      "authorization",
    );
    expect(body.error.message).toContain("public (snippet) key");
    expect(body.error.message).toContain("/api/collect");
    expect(body.error.message).toContain("secret key (wf_sk_");
    // Any other unknown key still reads as unknown or revoked.
    const unknown = await expectError(await api("/api/v1/events", { token: "wf_sk_nope" }), 401, "unauthorized");
    expect(unknown.error.message).toContain("unknown or revoked");
  });
});
