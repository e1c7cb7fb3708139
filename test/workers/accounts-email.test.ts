// Invitations and password resets through the real SMTP mailbox: the link in the email is the only
// way in, works once, expires, and the email speaks the inviter's or the person's language.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Browser, lastMail, member, owner, PASSWORD, siteWithOwner, tokenIn } from "./accounts-helpers";
import { createSite, expectError, unique } from "./helpers";

const NEW_PASSWORD = "a much longer new passphrase";

describe("invitations", () => {
  it("arrive by email; the link creates the account, signs in, and works only once", async () => {
    const { site, owner } = await siteWithOwner();
    const email = `${unique("analyst")}@example.com`;
    const res = await owner.browser.fetch(`/api/v1/sites/${site.id}/members`, {
      method: "POST",
      json: { email: email.toUpperCase(), role: "analyst" },
    });
    expect(res.status).toBe(201);
    const invitation = (await res.json()) as Record<string, unknown>;
    expect(invitation).toMatchObject({ email, role: "analyst" });
    expect(JSON.stringify(invitation)).not.toMatch(/token/); // the link is only in the email

    const mail = await lastMail(email);
    expect(mail.subject).toBe(`${owner.email} invited you to Test on Wayfind`);
    expect(mail.text).toContain("as an analyst");
    const token = tokenIn(mail, "/invite");
    expect(mail.html).toContain(`/invite?token=${token}`);
    const pending = (await (await owner.browser.fetch(`/api/v1/sites/${site.id}/members`)).json()) as {
      invitations: { email: string }[];
    };
    expect(pending.invitations.map((i) => i.email)).toEqual([email]);

    const invitee = new Browser();
    await expectError(
      await invitee.fetch("/api/v1/invitations/accept", { method: "POST", json: { token } }),
      400,
      "validation_failed",
      "password",
    );
    const accepted = await invitee.fetch("/api/v1/invitations/accept", {
      method: "POST",
      json: { token, password: PASSWORD, name: "Ana" },
    });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ site_id: site.id, role: "analyst", signed_in: true });
    expect(await (await invitee.fetch("/api/v1/session")).json()).toMatchObject({
      user: { email, name: "Ana" },
      sites: [{ id: site.id, role: "analyst" }],
    });
    expect((await new Browser().login(email)).status).toBe(200);

    const again = await new Browser().fetch("/api/v1/invitations/accept", {
      method: "POST",
      json: { token, password: PASSWORD },
    });
    await expectError(again, 400, "invalid_token");
  });

  it("are written in the inviter's language (zh-CN), or the one asked for", async () => {
    const site = await createSite();
    const zhOwner = await owner([site.id], { language: "zh-CN" });
    const toZh = `${unique("zh")}@example.com`;
    const toEn = `${unique("en")}@example.com`;
    const invite = (email: string, extra: Record<string, unknown> = {}) =>
      zhOwner.browser.fetch(`/api/v1/sites/${site.id}/members`, {
        method: "POST",
        json: { email, role: "viewer", ...extra },
      });
    expect((await invite(toZh)).status).toBe(201);
    expect((await invite(toEn, { language: "en" })).status).toBe(201);
    const zhMail = await lastMail(toZh);
    expect(zhMail.subject).toBe(`${zhOwner.email} 邀请您加入 Wayfind 上的「Test」`);
    expect(zhMail.text).toContain("「查看者」");
    expect(zhMail.text).toContain("7 天内有效");
    expect(zhMail.html).toContain("接受邀请");
    expect((await lastMail(toEn)).subject).toBe(`${zhOwner.email} invited you to Test on Wayfind`);
  });

  it("can be withdrawn: the link then stops working", async () => {
    const { site, owner } = await siteWithOwner();
    const email = `${unique("gone")}@example.com`;
    const res = await owner.browser.fetch(`/api/v1/sites/${site.id}/members`, {
      method: "POST",
      json: { email, role: "viewer" },
    });
    const { id } = (await res.json()) as { id: string };
    const token = tokenIn(await lastMail(email), "/invite");
    expect((await owner.browser.fetch(`/api/v1/sites/${site.id}/invitations/${id}`, { method: "DELETE" })).status).toBe(
      204,
    );
    await expectError(
      await new Browser().fetch("/api/v1/invitations/accept", { method: "POST", json: { token, password: PASSWORD } }),
      400,
      "invalid_token",
    );
  });
});

describe("password reset", () => {
  it("emails a one-time link; the new password works, the old one and old sessions do not", async () => {
    const { site, owner } = await siteWithOwner();
    const { email, browser: oldSession } = await member(owner.browser, site.id, "viewer");

    const unknown = await new Browser().fetch("/api/v1/auth/password-reset", {
      method: "POST",
      json: { email: `${unique("nobody")}@example.com` },
    });
    const known = await new Browser().fetch("/api/v1/auth/password-reset", { method: "POST", json: { email } });
    // The same answer whether or not the account exists.
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(await unknown.json()).toEqual(await known.json());

    const mail = await lastMail(email, 2); // the invitation, then the reset
    expect(mail.subject).toBe("Reset your Wayfind password");
    const token = tokenIn(mail, "/reset-password");

    const b = new Browser();
    const confirmed = await b.fetch("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      json: { token, password: NEW_PASSWORD },
    });
    expect(confirmed.status).toBe(200);
    expect(b.cookie).toBeTruthy();
    expect((await b.fetch("/api/v1/session")).status).toBe(200);
    await expectError(await oldSession.fetch("/api/v1/session"), 401, "unauthorized");
    await expectError(await new Browser().login(email, PASSWORD), 401, "invalid_credentials");
    expect((await new Browser().login(email, NEW_PASSWORD)).status).toBe(200);

    const reused = await new Browser().fetch("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      json: { token, password: "yet another password" },
    });
    await expectError(reused, 400, "invalid_token");
    expect((await new Browser().login(email, NEW_PASSWORD)).status).toBe(200);
  });

  it("refuses an expired link, and writes to a zh-CN person in Chinese", async () => {
    const site = await createSite();
    const zh = await owner([site.id], { language: "zh-CN" });
    await zh.browser.fetch("/api/v1/auth/password", { method: "POST", json: { new_password: PASSWORD } });
    await new Browser().fetch("/api/v1/auth/password-reset", { method: "POST", json: { email: zh.email } });
    const mail = await lastMail(zh.email);
    expect(mail.subject).toBe("重置您的 Wayfind 密码");
    expect(mail.text).toContain("60 分钟内有效");
    const token = tokenIn(mail, "/reset-password");

    // Past its hour (moved back here), the link no longer works and the password stays.
    await env.DB.prepare("UPDATE account_tokens SET expires_at = ?1 WHERE purpose = 'reset' AND email = ?2")
      .bind(Date.now() - 1, zh.email)
      .run();
    await expectError(
      await new Browser().fetch("/api/v1/auth/password-reset/confirm", {
        method: "POST",
        json: { token, password: NEW_PASSWORD },
      }),
      400,
      "invalid_token",
    );
    expect((await new Browser().login(zh.email, PASSWORD)).status).toBe(200);
  });
});
