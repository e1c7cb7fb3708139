// wrangler.toml [assets]: the dashboard's built files behind the ASSETS binding, with deep links
// answered by the single-page app. The pool's SELF calls the Worker's default export directly,
// without the asset router in front, so which paths reach the Worker first (run_worker_first) is
// checked against Miniflare's real router in test/node/dashboard.test.ts.
import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";

const navigate = { headers: { accept: "text/html", "sec-fetch-mode": "navigate" } };

it("serves the dashboard's index.html for its pages and deep links, and its hashed files", async () => {
  let html = "";
  for (const path of ["/", "/login?token=x", "/settings/keys", "/share"]) {
    const res = await env.ASSETS.fetch(`https://wayfind.test${path}`, navigate);
    expect(res.status, path).toBe(200);
    expect(res.headers.get("content-type"), path).toContain("text/html");
    html = await res.text();
    expect(html, path).toContain('<div id="app">');
  }
  const script = /<script type="module"[^>]*src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  const js = await env.ASSETS.fetch(`https://wayfind.test${script}`);
  expect(js.status).toBe(200);
  expect(js.headers.get("content-type")).toContain("javascript");
  expect(js.headers.get("cache-control")).toContain("immutable");
});

it("keeps the Worker's own answers for the API", async () => {
  const api = await SELF.fetch("https://wayfind.test/api/v1/no-such-route");
  expect(api.status).toBe(404);
  expect(await api.json()).toMatchObject({ error: { code: "not_found" } });
});
