// Roles per site enforced by the API, tenant isolation for people, share links, and partner members.
import { describe, expect, it } from "vitest";
import { Browser, lastMail, member, siteWithOwner, tokenIn } from "./accounts-helpers";
import { api, createSite, expectError, unique } from "./helpers";
import { partner, purchase, referredVisit, rule, sendEvents, settled } from "./partner-helpers";

const alertRule = { kind: "conversions_zero", recipients: ["ops@example.com"] };
const subscription = { recipients: ["cmo@example.com"], frequency: "weekly", weekday: 1 };

describe("roles", () => {
  it("a viewer reads everything and writes nothing", async () => {
    const { site, owner } = await siteWithOwner();
    const viewer = (await member(owner.browser, site.id, "viewer")).browser;
    for (const path of [
      `/api/v1/sites/${site.id}`,
      "/api/v1/reports/roi",
      "/api/v1/reports/overview",
      "/api/v1/alert-rules",
      "/api/v1/report-subscriptions",
      "/api/v1/partners",
      "/api/v1/sessions",
    ]) {
      expect((await viewer.fetch(path)).status, path).toBe(200);
    }
    const writes: [string, string, unknown][] = [
      ["POST", "/api/v1/alert-rules", alertRule],
      ["POST", "/api/v1/report-subscriptions", subscription],
      ["PATCH", `/api/v1/sites/${site.id}`, { name: "Renamed" }],
      ["POST", `/api/v1/sites/${site.id}/keys`, { name: "k", scopes: ["read"] }],
      ["POST", "/api/v1/share-links", { name: "x" }],
      ["POST", `/api/v1/sites/${site.id}/members`, { email: "x@example.com", role: "viewer" }],
    ];
    for (const [method, path, json] of writes) {
      await expectError(await viewer.fetch(path, { method, json }), 403, "forbidden");
    }
    expect(((await (await viewer.fetch(`/api/v1/sites/${site.id}`)).json()) as { name: string }).name).toBe("Test");
  });

  it("an analyst manages alert rules and report emails, but not keys, settings or people", async () => {
    const { site, owner } = await siteWithOwner();
    const analyst = (await member(owner.browser, site.id, "analyst")).browser;
    const created = await analyst.fetch("/api/v1/alert-rules", { method: "POST", json: alertRule });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await analyst.fetch(`/api/v1/alert-rules/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await analyst.fetch("/api/v1/report-subscriptions", { method: "POST", json: subscription })).status).toBe(
      201,
    );
    await expectError(
      await analyst.fetch(`/api/v1/sites/${site.id}/keys`, { method: "POST", json: { name: "k", scopes: ["read"] } }),
      403,
      "forbidden",
    );
    await expectError(await analyst.fetch(`/api/v1/sites/${site.id}/keys`), 403, "forbidden");
    await expectError(
      await analyst.fetch(`/api/v1/sites/${site.id}`, { method: "PATCH", json: { name: "x" } }),
      403,
      "forbidden",
    );
  });

  it("an admin manages the site and its keys, but only an owner manages people", async () => {
    const { site, owner } = await siteWithOwner();
    const admin = (await member(owner.browser, site.id, "admin")).browser;
    const key = await admin.fetch(`/api/v1/sites/${site.id}/keys`, {
      method: "POST",
      json: { name: "k", scopes: ["read"] },
    });
    expect(key.status).toBe(201);
    expect((await admin.fetch(`/api/v1/sites/${site.id}/members`)).status).toBe(200);
    await expectError(
      await admin.fetch(`/api/v1/sites/${site.id}/members`, {
        method: "POST",
        json: { email: `${unique("x")}@example.com`, role: "admin" },
      }),
      403,
      "forbidden",
    );
    // Site keys never manage people either.
    await expectError(
      await api(`/api/v1/sites/${site.id}/members`, { method: "POST", token: site.admin }),
      403,
      "forbidden",
    );
  });

  it("an owner changes roles and removes members; the site keeps an owner; changes apply at once", async () => {
    const { site, owner } = await siteWithOwner();
    const v = await member(owner.browser, site.id, "viewer");
    const list = async () =>
      (
        (await (await owner.browser.fetch(`/api/v1/sites/${site.id}/members`)).json()) as {
          data: { user_id: string; email: string; role: string }[];
        }
      ).data;
    const viewerId = (await list()).find((m) => m.email === v.email)!.user_id;

    const patch = (userId: string, role: string) =>
      owner.browser.fetch(`/api/v1/sites/${site.id}/members/${userId}`, { method: "PATCH", json: { role } });
    expect((await patch(viewerId, "analyst")).status).toBe(200);
    expect((await v.browser.fetch("/api/v1/alert-rules", { method: "POST", json: alertRule })).status).toBe(201);

    await expectError(await patch(owner.userId, "viewer"), 409, "last_owner");
    await expectError(
      await owner.browser.fetch(`/api/v1/sites/${site.id}/members/${owner.userId}`, { method: "DELETE" }),
      409,
      "last_owner",
    );
    // With a second owner, the first may step down.
    expect((await patch(viewerId, "owner")).status).toBe(200);
    expect((await patch(owner.userId, "viewer")).status).toBe(200);
    expect((await v.browser.fetch(`/api/v1/sites/${site.id}/members/${viewerId}`, { method: "DELETE" })).status).toBe(
      409,
    ); // now the last owner

    const res = await v.browser.fetch(`/api/v1/sites/${site.id}/members/${owner.userId}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    await expectError(await owner.browser.fetch(`/api/v1/sites/${site.id}`), 403, "forbidden");
  });

  it("a person of site A sees nothing of site B", async () => {
    const { site: a, owner } = await siteWithOwner();
    const b = await createSite();
    await api("/api/v1/alert-rules", { method: "POST", token: b.admin, json: alertRule });
    for (const path of [
      `/api/v1/sites/${b.id}`,
      `/api/v1/alert-rules?site_id=${b.id}`,
      `/api/v1/reports/roi?site_id=${b.id}`,
      `/api/v1/sites/${b.id}/members`,
      `/api/v1/share-links?site_id=${b.id}`,
      `/api/v1/sites/${b.id}/keys`,
    ]) {
      await expectError(await owner.browser.fetch(path), 403, "forbidden");
    }
    await expectError(
      await owner.browser.fetch(`/api/v1/alert-rules?site_id=${b.id}`, { method: "POST", json: alertRule }),
      403,
      "forbidden",
    );
    const sites = (await (await owner.browser.fetch("/api/v1/sites")).json()) as { data: { id: string }[] };
    expect(sites.data.map((s) => s.id)).toEqual([a.id]);
    const rules = (await (await owner.browser.fetch("/api/v1/alert-rules")).json()) as { data: unknown[] };
    expect(rules.data).toHaveLength(0); // site B's rule is not in site A's list
  });

  it("one person, two roles: owner in one site, viewer in another, each enforced in its own site", async () => {
    const { site: a, owner: mine } = await siteWithOwner();
    const { site: b, owner: theirs } = await siteWithOwner();
    const invited = await theirs.browser.fetch(`/api/v1/sites/${b.id}/members`, {
      method: "POST",
      json: { email: mine.email, role: "viewer" },
    });
    expect(invited.status).toBe(201);
    // An existing account gains the role without a password, but the link signs no one in.
    const stranger = new Browser();
    const accepted = await stranger.fetch("/api/v1/invitations/accept", {
      method: "POST",
      json: { token: tokenIn(await lastMail(mine.email), "/invite") },
    });
    expect(await accepted.json()).toMatchObject({ site_id: b.id, role: "viewer", signed_in: false });
    expect(stranger.cookie).toBeNull();

    const me = mine.browser;
    expect((await me.fetch(`/api/v1/alert-rules?site_id=${a.id}`, { method: "POST", json: alertRule })).status).toBe(
      201,
    );
    await expectError(
      await me.fetch(`/api/v1/alert-rules?site_id=${b.id}`, { method: "POST", json: alertRule }),
      403,
      "forbidden",
    );
    expect((await me.fetch(`/api/v1/alert-rules?site_id=${b.id}`)).status).toBe(200);
    await expectError(await me.fetch(`/api/v1/sites/${b.id}/keys`), 403, "forbidden");
    expect((await me.fetch(`/api/v1/sites/${a.id}/keys`)).status).toBe(200);
  });
});

describe("share links", () => {
  it("read their pages only, never write, and stop working when revoked", async () => {
    const { site, owner } = await siteWithOwner();
    const other = await createSite();
    const res = await owner.browser.fetch("/api/v1/share-links", {
      method: "POST",
      json: { name: "Investors", pages: ["overview", "traffic"] },
    });
    expect(res.status).toBe(201);
    const link = (await res.json()) as { id: string; token: string; url: string; pages: string[] };
    expect(link.url.endsWith(`/share#${link.token}`)).toBe(true);
    expect(link.pages).toEqual(["overview", "traffic"]);
    const listed = (await (await owner.browser.fetch("/api/v1/share-links")).json()) as { data: object[] };
    expect(JSON.stringify(listed.data)).not.toContain(link.token);

    const token = link.token;
    expect((await api("/api/v1/reports/overview", { token })).status).toBe(200);
    expect((await api("/api/v1/sessions", { token })).status).toBe(200);
    expect((await api(`/api/v1/sites/${site.id}`, { token })).status).toBe(200);
    const me = await (await api("/api/v1/session", { token })).json();
    expect(me).toMatchObject({ kind: "share", pages: ["overview", "traffic"], sites: [{ id: site.id }] });

    // Outside its pages, and anything that writes or administers, is refused.
    for (const path of [
      "/api/v1/reports/roi",
      "/api/v1/partners",
      "/api/v1/alert-rules",
      `/api/v1/sites/${site.id}/keys`,
      `/api/v1/sites/${site.id}/members`,
      "/api/v1/share-links",
    ]) {
      await expectError(await api(path, { token }), 403, "forbidden");
    }
    await expectError(await api("/api/v1/alert-rules", { method: "POST", token, json: alertRule }), 403, "forbidden");
    await expectError(
      await api(`/api/v1/sites/${site.id}`, { method: "PATCH", token, json: { name: "x" } }),
      403,
      "forbidden",
    );
    await expectError(await api(`/api/v1/sites/${other.id}`, { token }), 403, "forbidden");

    const revoke = await owner.browser.fetch(`/api/v1/share-links/${link.id}`, { method: "DELETE" });
    expect(revoke.status).toBe(204);
    await expectError(await api("/api/v1/reports/overview", { token }), 401, "unauthorized");
  });

  it("without a page list open every dashboard page, still read-only", async () => {
    const { site } = await siteWithOwner();
    const res = await api(`/api/v1/share-links?site_id=${site.id}`, {
      method: "POST",
      token: site.admin,
      json: { name: "All" },
    });
    const { token } = (await res.json()) as { token: string };
    for (const path of ["/api/v1/reports/overview", "/api/v1/reports/roi", "/api/v1/partners", "/api/v1/items"]) {
      expect((await api(path, { token })).status, path).toBe(200);
    }
    await expectError(await api("/api/v1/alert-rules", { token }), 403, "forbidden");
  });
});

describe("partner members", () => {
  it("sign in to the portal and see only their own partner's records", async () => {
    const { site, owner } = await siteWithOwner({ currency: "CNY" });
    const a = await partner(site, { name: "A" });
    const b = await partner(site, { name: "B" });
    await rule(site, { percent: 10 });
    const [orderA, orderB] = [unique("order"), unique("order")];
    const now = Date.now() - 1000;
    await sendEvents(site, [
      referredVisit(site, "la", a.code, now - 5000),
      purchase("la", orderA, 100, now),
      referredVisit(site, "lb", b.code, now - 5000),
      purchase("lb", orderB, 300, now),
    ]);
    await settled(site.id, orderA);
    await settled(site.id, orderB);

    await expectError(
      await owner.browser.fetch(`/api/v1/sites/${site.id}/members`, {
        method: "POST",
        json: { email: "p@example.com", role: "partner" },
      }),
      400,
      "validation_failed",
      "partner_id",
    );
    const p = (await member(owner.browser, site.id, "partner", { partner_id: a.id })).browser;
    const me = await p.fetch("/api/v1/portal/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: a.id, earnings: { pending: { orders: 1, amount: 10 } } });
    const mine = ((await (await p.fetch("/api/v1/portal/commissions")).json()) as { data: { order_id: string }[] })
      .data;
    expect(mine.map((c) => c.order_id)).toEqual([orderA]);

    for (const path of [
      "/api/v1/partners",
      `/api/v1/partners/${b.id}`,
      `/api/v1/sites/${site.id}`,
      "/api/v1/reports/roi",
    ]) {
      await expectError(await p.fetch(path), 403, "forbidden");
    }
    // The owner is no partner: the portal refuses them.
    await expectError(await owner.browser.fetch("/api/v1/portal/me"), 403, "forbidden");
  });
});
