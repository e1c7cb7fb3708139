// OpenAPI document, reference page, health, the recommend Worker through the binding, retention.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../functions/edge/index";
import { DAILY_CRON } from "../../core/crons";
import { api, collect, createSite, eventsLanded, pageview, storedEvents } from "./helpers";
import { DAY_MS } from "../../core/time";

describe("API description", () => {
  it("serves OpenAPI 3.1 generated from the validating schemas", async () => {
    const res = await api("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const [path, method] of [
      ["/api/collect", "post"],
      ["/api/v1/events", "post"],
      ["/api/v1/events", "get"],
      ["/api/v1/sessions", "get"],
      ["/api/v1/sites", "post"],
      ["/api/v1/sites/{id}/keys", "post"],
      ["/api/v1/classify", "post"],
      ["/api/v1/attribution", "post"],
      ["/api/v1/costs", "post"],
      ["/api/v1/fx-rates", "post"],
      ["/api/v1/reports/roi", "get"],
      ["/api/v1/reports/overview", "get"],
      ["/api/v1/reports/budget", "get"],
      ["/api/v1/reports/rebuild", "post"],
      ["/api/v1/recommendations", "get"],
      ["/api/v1/items/{id}/similar", "get"],
      ["/api/v1/rank", "post"],
      ["/api/v1/propensity", "post"],
      ["/api/v1/models/retrain", "post"],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Event", "ServerEvent", "Error", "Site", "BatchResult", "PathRow", "AttributionResult"]),
    );
    const page = await api("/api/v1/docs");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("/api/v1/docs.js");
    expect((await api("/api/v1/docs.js")).headers.get("content-type")).toContain("javascript");
  });
});

describe("first-party path", () => {
  it("serves the snippet and the collector under a site's own path prefix", async () => {
    const site = await createSite();
    const js = await api("/stats/t.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
    const res = await api("/stats/api/collect", {
      method: "POST",
      headers: { origin: site.origin, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36" },
      json: { site: site.publicKey, events: [pageview(`${site.origin}/proxied`)] },
    });
    expect(res.status).toBe(202);
    expect((await eventsLanded(site.id, 1))[0]!.path).toBe("/proxied");
    expect((await api("/stats/api/v1/events", { token: site.read })).status).toBe(404); // only the public pair
  });
});

describe("recommend Worker", () => {
  it("runs an ONNX model with onnxruntime-web behind the service binding, for a keyed caller", async () => {
    const site = await createSite();
    expect((await api("/api/v1/models/health")).status).toBe(401);
    const res = await api("/api/v1/models/health", { token: site.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      runtime: string;
      site_id: string;
      probe: { probability: number; expected: number };
    };
    expect(body.runtime).toBe("onnxruntime-web");
    expect(body.site_id).toBe(site.id); // the edge names the authenticated site, never the caller
    expect(Math.abs(body.probe.probability - body.probe.expected)).toBeLessThan(1e-6);
    expect(body.probe.probability).toBeGreaterThan(0.5);
    const spoof = await api("/api/v1/models/health", { token: site.read, headers: { "x-wayfind-site": "site_other" } });
    expect(((await spoof.json()) as { site_id: string }).site_id).toBe(site.id);
  });
});

describe("retention cron", () => {
  it("prunes raw events and served recommendation lists past the site's retention, and old salts, and keeps the rest", async () => {
    const site = await createSite({ retention_days: 30 });
    await collect(site, [pageview(`${site.origin}/fresh`)]);
    await eventsLanded(site.id, 1);
    const old = Date.now() - 40 * DAY_MS;
    await env.DB.prepare(
      "INSERT INTO events (site_id, id, type, ts, received_at, origin, session_id, visitor_id, source, medium, campaign, channel, device) " +
        "VALUES (?1, 'old', 'pageview', ?2, ?2, 'browser', 's_old', 'h_old', '(direct)', '(none)', '(direct)', 'Direct', 'desktop')",
    )
      .bind(site.id, old)
      .run();
    await env.DB.prepare("INSERT OR IGNORE INTO salts (day, salt) VALUES ('2020-01-01', 'x')").run();
    const list =
      "INSERT INTO rec_impressions (site_id, id, model_id, endpoint, user_key, items, created_at) VALUES (?1, ?2, NULL, 'recommendations', 'u', '[]', ?3)";
    await env.DB.batch([
      env.DB.prepare(list).bind(site.id, "rec_old", old),
      env.DB.prepare(list).bind(site.id, "rec_new", Date.now()),
    ]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: DAILY_CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect((await storedEvents(site.id)).map((e) => e.path)).toEqual(["/fresh"]);
    expect(await env.DB.prepare("SELECT day FROM salts WHERE day = '2020-01-01'").first()).toBeNull();
    const lists = await env.DB.prepare("SELECT id FROM rec_impressions WHERE site_id = ?1").bind(site.id).all();
    expect(lists.results.map((r) => r.id)).toEqual(["rec_new"]);
  });
});

describe("PATCH", () => {
  it("changes only the fields it names: a site's other settings and a partner's status stay", async () => {
    const site = await createSite({
      currency: "CNY",
      timezone: "Asia/Shanghai",
      retention_days: 90,
      cookie_mode: true,
      channel_rules: [{ channel: "Private Domain", source: "wecom" }],
    });
    const res = await api(`/api/v1/sites/${site.id}`, {
      method: "PATCH",
      token: site.admin,
      json: { item_path_pattern: "/courses/:id" },
    });
    expect(res.status).toBe(200);
    const after = (await (await api(`/api/v1/sites/${site.id}`, { token: site.read })).json()) as Record<
      string,
      unknown
    >;
    expect(after).toMatchObject({
      item_path_pattern: "/courses/:id",
      currency: "CNY",
      timezone: "Asia/Shanghai",
      retention_days: 90,
      cookie_mode: true,
      channel_rules: [{ channel: "Private Domain", source: "wecom" }],
    });

    const created = await api(`/api/v1/partners?site_id=${site.id}`, {
      method: "POST",
      token: site.admin,
      json: { type: "affiliate", name: "Lao Wang", status: "paused" },
    });
    const { id } = (await created.json()) as { id: string };
    const patched = await api(`/api/v1/partners/${id}?site_id=${site.id}`, {
      method: "PATCH",
      token: site.admin,
      json: { ratings: { reputation: 4 } },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ status: "paused", ratings: { reputation: 4 } });
  });
});
