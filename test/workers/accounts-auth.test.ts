// Signing in and out with real D1: passwords, the login throttle, the session cookie and its hash
// in D1, sign-out everywhere, the one-time sign-in link, CSRF on cookie writes, and no open redirects.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/hash";
import { ACCOUNT_FAILURE_LIMIT, CLIENT_FAILURE_LIMIT, LOGIN_WINDOW_MS } from "../../functions/edge/lib/accounts";
import { Browser, member, owner, PASSWORD, sessionSetCookie, siteWithOwner } from "./accounts-helpers";
import { api, BASE, createSite, expectError } from "./helpers";

/** An owner who also has a password (set through the signed-in password change). */
async function ownerWithPassword() {
  const { site, owner: o } = await siteWithOwner();
  const res = await o.browser.fetch("/api/v1/auth/password", { method: "POST", json: { new_password: PASSWORD } });
  expect(res.status).toBe(204);
  return { site, ...o };
}

describe("sign-in", () => {
  it("signs in with the right password, knows who you are, and signs out", async () => {
    const { email, site } = await ownerWithPassword();
    const b = new Browser();
    const res = await b.login(email);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { email, has_password: true }, redirect_to: "/" });

    const me = await b.fetch("/api/v1/session");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      kind: "user",
      user: { email },
      sites: [{ id: site.id, role: "owner" }],
      csrf: { header: "x-wayfind-csrf", value: "1" },
    });

    const cookie = b.cookie!;
    const out = await b.fetch("/api/v1/auth/logout", { method: "POST" });
    expect(out.status).toBe(204);
    expect(sessionSetCookie(out)).toMatch(/Max-Age=0/);
    // The old cookie is dead in D1 too, not only forgotten by the browser.
    b.cookie = cookie;
    await expectError(await b.fetch("/api/v1/session"), 401, "unauthorized");
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    const { email } = await ownerWithPassword();
    const b = new Browser();
    await expectError(await b.login(email, "not the password"), 401, "invalid_credentials");
    await expectError(await b.login(`nobody-${email}`), 401, "invalid_credentials");
    expect(b.cookie).toBeNull();
    await expectError(await b.fetch("/api/v1/session"), 401, "unauthorized");
  });

  it("sets an HttpOnly, SameSite=Lax, Path=/ cookie: Secure on https, not on http://127.0.0.1", async () => {
    const { email } = await ownerWithPassword();
    const secure = sessionSetCookie(await new Browser().login(email))!;
    expect(secure).toMatch(/HttpOnly/);
    expect(secure).toMatch(/SameSite=Lax/);
    expect(secure).toMatch(/Path=\//);
    expect(secure).toMatch(/Secure/);
    expect(Number(/Max-Age=(\d+)/.exec(secure)![1])).toBeGreaterThan(29 * 86400);

    const local = new Browser("http://127.0.0.1:8787");
    const res = await local.login(email);
    expect(res.status).toBe(200);
    const plain = sessionSetCookie(res)!;
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Lax/);
    expect(plain).not.toMatch(/Secure/);
  });

  it("stores only the SHA-256 of the session token", async () => {
    const { email, userId } = await ownerWithPassword();
    const b = new Browser();
    await b.login(email);
    const { results } = await env.DB.prepare("SELECT * FROM auth_sessions WHERE user_id = ?1")
      .bind(userId)
      .all<Record<string, unknown>>();
    expect(results.map((r) => r.token_hash)).toContain(await sha256Hex(b.cookie!));
    const all = await env.DB.prepare("SELECT * FROM auth_sessions").all();
    expect(JSON.stringify(all.results)).not.toContain(b.cookie!);
  });

  it("signs out everywhere: every other session of the person stops working", async () => {
    const { email } = await ownerWithPassword();
    const laptop = new Browser();
    const phone = new Browser();
    await laptop.login(email);
    await phone.login(email);
    expect((await phone.fetch("/api/v1/session")).status).toBe(200);

    const res = await laptop.fetch("/api/v1/auth/logout-all", { method: "POST" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { signed_out: number }).signed_out).toBeGreaterThanOrEqual(3); // link, laptop, phone
    await expectError(await phone.fetch("/api/v1/session"), 401, "unauthorized");
    await expectError(await laptop.fetch("/api/v1/session"), 401, "unauthorized");
  });
});

describe("login throttle", () => {
  it(`answers 429 with Retry-After after ${ACCOUNT_FAILURE_LIMIT} failures for an account, even with the right password`, async () => {
    const { email } = await ownerWithPassword();
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      await expectError(await new Browser().login(email, `wrong-${i}`), 401, "invalid_credentials");
    }
    const res = await new Browser().login(email); // the right password, from another client
    await expectError(res.clone(), 429, "too_many_attempts");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_WINDOW_MS / 1000);

    // The count lives in D1: once its window is over (moved back here), the right password works.
    await env.DB.prepare("UPDATE login_throttle SET window_start = window_start - ?1").bind(LOGIN_WINDOW_MS).run();
    expect((await new Browser().login(email)).status).toBe(200);
  });

  it(`answers 429 after ${CLIENT_FAILURE_LIMIT} failures from one client, whatever the account`, async () => {
    const { email } = await ownerWithPassword();
    const client = new Browser();
    for (let i = 0; i < CLIENT_FAILURE_LIMIT; i++) {
      await expectError(await client.login(`guess-${i}@example.com`, "wrong"), 401, "invalid_credentials");
    }
    const res = await client.login(email);
    await expectError(res.clone(), 429, "too_many_attempts");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await new Browser().login(email)).status).toBe(200); // another client is not blocked
  });
});

describe("one-time sign-in link (POST /api/v1/users)", () => {
  it("is refused to anything but the admin token, signs in once, and never redirects off-site", async () => {
    const site = await createSite();
    await expectError(
      await api("/api/v1/users", {
        method: "POST",
        token: site.admin,
        json: { email: "x@example.com", site_ids: [site.id] },
      }),
      403,
      "forbidden",
    );
    const res = await api("/api/v1/users", {
      method: "POST",
      token: env.ADMIN_TOKEN,
      json: { email: "Founder-Demo@Example.com", site_ids: [site.id] },
    });
    expect(res.status).toBe(201);
    const made = (await res.json()) as { sign_in_url: string; api_sign_in_url: string; user: { email: string } };
    expect(made.user.email).toBe("founder-demo@example.com");
    const token = new URL(made.api_sign_in_url).searchParams.get("token")!;
    expect(made.sign_in_url).toBe(`${BASE}/login?token=${token}`);

    // Open redirects are refused before the link is used up.
    const b = new Browser();
    for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const bad = await b.fetch(`/api/v1/auth/sign-in?token=${token}&next=${encodeURIComponent(next)}`);
      await expectError(bad, 400, "validation_failed", "next");
    }
    expect(b.cookie).toBeNull();

    const ok = await b.fetch(`/api/v1/auth/sign-in?token=${token}&next=${encodeURIComponent("/reports?range=30d")}`);
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.get("location")!, BASE).href).toBe(`${BASE}/reports?range=30d`);
    expect(b.cookie).toBeTruthy();
    expect(await (await b.fetch("/api/v1/session")).json()).toMatchObject({
      user: { email: "founder-demo@example.com", has_password: false },
      sites: [{ id: site.id, role: "owner" }],
    });

    const again = new Browser();
    await expectError(await again.fetch(`/api/v1/auth/sign-in?token=${token}`), 400, "invalid_token");
    expect(again.cookie).toBeNull();
  });

  it("refuses an off-site `next` at login too", async () => {
    const { email } = await ownerWithPassword();
    const res = await new Browser().fetch("/api/v1/auth/login", {
      method: "POST",
      json: { email, password: PASSWORD, next: "https://evil.example/phish" },
    });
    await expectError(res, 400, "validation_failed", "next");
  });
});

describe("CSRF", () => {
  it("refuses cookie writes from another origin or without the header; Bearer writes need neither", async () => {
    const { site, owner: o } = await siteWithOwner();
    const body = { name: "Board" };
    const path = `/api/v1/share-links?site_id=${site.id}`;
    const forged = await o.browser.fetch(path, { method: "POST", json: body, origin: "https://evil.example" });
    await expectError(forged, 403, "csrf_failed");
    await expectError(await o.browser.fetch(path, { method: "POST", json: body, csrf: false }), 403, "csrf_failed");
    await expectError(await o.browser.fetch(path, { method: "POST", json: body, origin: null }), 403, "csrf_failed");
    // A Referer from our own pages stands in for a missing Origin.
    const referred = await o.browser.fetch(path, {
      method: "POST",
      json: body,
      origin: null,
      headers: { referer: `${BASE}/settings/sharing` },
    });
    expect(referred.status).toBe(201);
    expect((await o.browser.fetch(path, { method: "POST", json: body })).status).toBe(201);

    // A machine's key: no Origin, no header, still fine.
    const keyed = await api(path, { method: "POST", token: site.admin, json: body });
    expect(keyed.status).toBe(201);
    expect(
      (
        await api("/api/v1/alert-rules", {
          method: "POST",
          token: site.admin,
          json: { kind: "conversions_zero", recipients: ["ops@example.com"] },
        })
      ).status,
    ).toBe(201);
  });

  it("refuses a cross-site login and a cross-site sign-out", async () => {
    const { email, browser } = await ownerWithPassword();
    const forgedLogin = await new Browser().fetch("/api/v1/auth/login", {
      method: "POST",
      json: { email, password: PASSWORD },
      origin: "https://evil.example",
    });
    await expectError(forgedLogin, 403, "csrf_failed");
    await expectError(
      await browser.fetch("/api/v1/auth/logout-all", { method: "POST", origin: "https://evil.example" }),
      403,
      "csrf_failed",
    );
    expect((await browser.fetch("/api/v1/session")).status).toBe(200); // still signed in
  });

  it("a plain form post from another site cannot change roles", async () => {
    const { site, owner: o } = await siteWithOwner();
    const viewer = await member(o.browser, site.id, "viewer");
    const me = (await (await viewer.browser.fetch("/api/v1/session")).json()) as { user: { id: string } };
    const res = await SELF.fetch(`${BASE}/api/v1/sites/${site.id}/members/${me.user.id}`, {
      method: "PATCH",
      headers: {
        cookie: `wf_session=${o.browser.cookie}`,
        origin: "https://evil.example",
        "content-type": "text/plain",
      },
      body: JSON.stringify({ role: "owner" }),
    });
    expect(res.status).toBe(403);
    const members = (await (await o.browser.fetch(`/api/v1/sites/${site.id}/members`)).json()) as {
      data: { email: string; role: string }[];
    };
    expect(members.data.find((m) => m.email === viewer.email)?.role).toBe("viewer");
  });
});

describe("bootstrap owner of several sites", () => {
  it("names the site when the person has several", async () => {
    const a = await createSite();
    const b = await createSite();
    const o = await owner([a.id, b.id]);
    await expectError(await o.browser.fetch("/api/v1/alert-rules"), 400, "validation_failed", "site_id");
    expect((await o.browser.fetch(`/api/v1/alert-rules?site_id=${b.id}`)).status).toBe(200);
    const sites = (await (await o.browser.fetch("/api/v1/sites")).json()) as { data: { id: string }[] };
    expect(sites.data.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
  });
});
