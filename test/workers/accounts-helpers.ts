// People in tests: a browser-like client that keeps the session cookie and sends the dashboard's
// headers (Origin of this site, x-wayfind-csrf: 1) on writes; owners made through POST /api/v1/users
// and its one-time link; members invited through the real email and its link.
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { BASE, createSite, eventually, type TestSite, unique, uniqueIp } from "./helpers";
import { messagesTo, type ParsedMail } from "./mailbox";

export const PASSWORD = "correct horse battery staple";

type BrowserInit = RequestInit & { json?: unknown; origin?: string | null; csrf?: boolean };

export class Browser {
  cookie: string | null = null;
  readonly ip = uniqueIp();
  constructor(readonly base = BASE) {}

  /** Like a dashboard page: same Origin and the CSRF header on writes, the cookie always. */
  async fetch(path: string, init: BrowserInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const method = (init.method ?? "GET").toUpperCase();
    if (this.cookie) headers.set("cookie", `wf_session=${this.cookie}`);
    headers.set("cf-connecting-ip", this.ip);
    if (method !== "GET" && method !== "HEAD") {
      if (init.origin !== null) headers.set("origin", init.origin ?? new URL(this.base).origin);
      if (init.csrf !== false) headers.set("x-wayfind-csrf", "1");
    }
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const res = await SELF.fetch(`${this.base}${path}`, { redirect: "manual", ...init, headers, body });
    const set = sessionSetCookie(res);
    if (set !== null) this.cookie = /^wf_session=([^;]*)/.exec(set)![1] || null;
    return res;
  }

  async login(email: string, password = PASSWORD): Promise<Response> {
    return this.fetch("/api/v1/auth/login", { method: "POST", json: { email, password } });
  }
}

/** The Set-Cookie header of the session cookie, if the answer set or cleared it. */
export function sessionSetCookie(res: Response): string | null {
  return res.headers.getSetCookie().find((c) => c.startsWith("wf_session=")) ?? null;
}

/** A person who owns `siteIds`, signed in through the one-time link POST /api/v1/users returns. */
export async function owner(siteIds: string[], extra: Record<string, unknown> = {}) {
  const email = `${unique("owner")}@example.com`;
  const res = await SELF.fetch(`${BASE}/api/v1/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ email, site_ids: siteIds, ...extra }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const made = (await res.json()) as { user: { id: string }; api_sign_in_url: string; sign_in_url: string };
  const browser = new Browser();
  const signIn = await browser.fetch(new URL(made.api_sign_in_url).pathname + new URL(made.api_sign_in_url).search);
  expect(signIn.status).toBe(303);
  return { email, userId: made.user.id, browser, made };
}

/** The one-time token in the first link of an email that points at `path`. */
export function tokenIn(mail: ParsedMail, path: string): string {
  const match = new RegExp(`${BASE.replace(/\./g, "\\.")}${path}\\?token=([A-Za-z0-9]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return match[1]!;
}

/** The last email to `address`, waiting for it if it was sent after the answer. */
export async function lastMail(address: string, count = 1): Promise<ParsedMail> {
  const mails = await eventually(async () => {
    const all = await messagesTo(address);
    return all.length >= count ? all : null;
  });
  return mails[mails.length - 1]!;
}

/**
 * A new person with `role` in the site: invited by `inviter` (an owner's browser), accepting through
 * the link in the real email with a password, signed in by the acceptance.
 */
export async function member(inviter: Browser, siteId: string, role: string, body: Record<string, unknown> = {}) {
  const email = `${unique(role)}@example.com`;
  const res = await inviter.fetch(`/api/v1/sites/${siteId}/members`, {
    method: "POST",
    json: { email, role, ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const token = tokenIn(await lastMail(email), "/invite");
  const browser = new Browser();
  const accepted = await browser.fetch("/api/v1/invitations/accept", {
    method: "POST",
    json: { token, password: PASSWORD },
  });
  expect(accepted.status, await accepted.clone().text()).toBe(200);
  expect(browser.cookie).toBeTruthy();
  return { email, browser };
}

/** A site with its keys and a signed-in owner. */
export async function siteWithOwner(settings: Record<string, unknown> = {}) {
  const site: TestSite = await createSite(settings);
  return { site, owner: await owner([site.id]) };
}
