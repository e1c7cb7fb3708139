import { createExecutionContext, env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import edge from "../../functions/edge/index";

export const BASE = "https://wayfind.test";
export const BROWSER_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
export const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

let counter = 0;
/** A unique id per call, so tests never collide (also used as client IPs for the rate limiter). */
export const unique = (prefix = "t") => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
export const uniqueIp = () => `10.${counter % 250}.${Math.floor(Math.random() * 250)}.${(counter++ % 250) + 1}`;

export async function api(path: string, init: RequestInit & { token?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return SELF.fetch(`${BASE}${path}`, { ...init, headers, body });
}

export interface TestSite {
  id: string;
  publicKey: string;
  admin: string;
  read: string;
  ingest: string;
  origin: string;
}

export async function createSite(settings: Record<string, unknown> = {}): Promise<TestSite> {
  const domain = `${unique("s")}.example.com`;
  const res = await api("/api/v1/sites", {
    method: "POST",
    token: env.ADMIN_TOKEN,
    json: { name: "Test", domain, ...settings },
  });
  if (res.status !== 201) throw new Error(`site: ${res.status} ${await res.text()}`);
  const site = (await res.json()) as { id: string; public_key: string };
  const key = async (scopes: string[]) => {
    const r = await api(`/api/v1/sites/${site.id}/keys`, {
      method: "POST",
      token: env.ADMIN_TOKEN,
      json: { name: scopes.join("+"), scopes },
    });
    return ((await r.json()) as { key: string }).key;
  };
  return {
    id: site.id,
    publicKey: site.public_key,
    admin: await key(["admin"]),
    read: await key(["read"]),
    ingest: await key(["ingest"]),
    origin: `https://${domain}`,
  };
}

export function collect(
  site: TestSite,
  events: unknown[],
  opts: {
    ip?: string;
    ua?: string;
    origin?: string | null;
    headers?: Record<string, string>;
    contentType?: string;
    cf?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = {
    "content-type": opts.contentType ?? "application/json",
    "user-agent": opts.ua ?? BROWSER_UA,
    "cf-connecting-ip": opts.ip ?? uniqueIp(),
    ...opts.headers,
  };
  if (opts.origin !== null) headers.origin = opts.origin ?? site.origin;
  const init = { method: "POST", headers, body: JSON.stringify({ site: site.publicKey, events }) };
  if (!opts.cf) return SELF.fetch(`${BASE}/api/collect`, init);
  // request.cf does not cross the SELF service binding: call the fetch handler with it directly.
  const request = new Request(`${BASE}/api/collect`, { ...init, cf: opts.cf as IncomingRequestCfProperties });
  return edge.fetch(request, env, createExecutionContext());
}

export function pageview(url: string, extra: Record<string, unknown> = {}) {
  return { id: unique("e"), type: "pageview", url, ts: Date.now(), ...extra };
}

/** Polls until `check` returns a value (the real queue delivers after max_batch_timeout). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function storedEvents(siteId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM events WHERE site_id = ?1 ORDER BY ts, id")
    .bind(siteId)
    .all<Record<string, unknown>>();
  return results;
}

export async function storedSessions(siteId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM sessions WHERE site_id = ?1 ORDER BY started_at")
    .bind(siteId)
    .all<Record<string, unknown>>();
  return results;
}

/** Waits until the site has exactly `count` stored events. */
export function eventsLanded(siteId: string, count: number) {
  return eventually(async () => {
    const rows = await storedEvents(siteId);
    return rows.length >= count ? rows : undefined;
  });
}

type Envelope = { error: { code: string; message: string; issues: { path: string; message: string }[] } };

/** Asserts the standard error envelope: status, code, and (optionally) the field at fault. */
export async function expectError(res: Response, status: number, code: string, path?: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Envelope;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(Array.isArray(body.error.issues)).toBe(true);
  if (path) expect(body.error.issues.map((i) => i.path)).toContain(path);
  return body;
}
