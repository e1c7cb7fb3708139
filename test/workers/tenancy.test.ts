// No request ever reads or writes another site's rows.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, collect, createSite, eventsLanded, pageview } from "./helpers";

describe("tenant isolation", () => {
  it("a site's key sees only its own events and sessions, and cannot name another site", async () => {
    const a = await createSite();
    const b = await createSite();
    await collect(a, [pageview(`${a.origin}/a`)]);
    await collect(b, [pageview(`${b.origin}/b`)]);
    await eventsLanded(a.id, 1);
    await eventsLanded(b.id, 1);

    for (const path of ["/api/v1/events", "/api/v1/sessions"]) {
      const own = (await (await api(path, { token: a.read })).json()) as {
        data: { id: string; path?: string; landing_path?: string }[];
      };
      expect(own.data).toHaveLength(1);
      expect(own.data[0]!.path ?? own.data[0]!.landing_path).toBe("/a");
      const other = await api(`${path}?site_id=${b.id}`, { token: a.read });
      expect(other.status).toBe(403);
    }
    expect((await api(`/api/v1/sites/${b.id}`, { token: a.read })).status).toBe(403);
    expect(
      (await api(`/api/v1/sites/${b.id}`, { method: "PATCH", token: a.admin, json: { name: "pwned" } })).status,
    ).toBe(403);
    expect(
      (
        await api(`/api/v1/sites/${b.id}/keys`, {
          method: "POST",
          token: a.admin,
          json: { name: "x", scopes: ["read"] },
        })
      ).status,
    ).toBe(403);
    expect((await api(`/api/v1/sites/${b.id}/keys`, { token: a.admin })).status).toBe(403);
    const sites = (await (await api("/api/v1/sites", { token: a.read })).json()) as { data: { id: string }[] };
    expect(sites.data.map((s) => s.id)).toEqual([a.id]);
  });

  it("the admin token names the site it reads", async () => {
    const a = await createSite();
    await collect(a, [pageview(`${a.origin}/x`)]);
    await eventsLanded(a.id, 1);
    expect((await api("/api/v1/events", { token: env.ADMIN_TOKEN })).status).toBe(400);
    const res = await api(`/api/v1/events?site_id=${a.id}`, { token: env.ADMIN_TOKEN });
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
  });

  it("a key of one site cannot revoke another site's key; revoking works within a site", async () => {
    const a = await createSite();
    const b = await createSite();
    const keys = (await (await api(`/api/v1/sites/${b.id}/keys`, { token: b.admin })).json()) as {
      data: { id: string; name: string }[];
    };
    const bRead = keys.data.find((k) => k.name === "read")!;
    // a's admin key, a's site in the path, b's key id: nothing happens to b's key.
    expect((await api(`/api/v1/sites/${a.id}/keys/${bRead.id}`, { method: "DELETE", token: a.admin })).status).toBe(
      404,
    );
    expect((await api("/api/v1/events", { token: b.read })).status).toBe(200);

    expect((await api(`/api/v1/sites/${b.id}/keys/${bRead.id}`, { method: "DELETE", token: b.admin })).status).toBe(
      204,
    );
    expect((await api("/api/v1/events", { token: b.read })).status).toBe(401);
  });

  it("stores only key hashes, and lists keys without their secrets", async () => {
    const a = await createSite();
    const { results } = await env.DB.prepare("SELECT hash, prefix FROM api_keys WHERE site_id = ?1")
      .bind(a.id)
      .all<{ hash: string; prefix: string }>();
    for (const row of results) {
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect([a.admin, a.read, a.ingest]).not.toContain(row.hash);
    }
    const listing = await (await api(`/api/v1/sites/${a.id}/keys`, { token: a.admin })).text();
    for (const secret of [a.admin, a.read, a.ingest]) expect(listing).not.toContain(secret);
  });
});
