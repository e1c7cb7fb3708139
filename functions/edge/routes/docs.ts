// The OpenAPI document (generated from the zod schemas that validate requests) and a readable,
// dependency-free reference page that renders it without any CDN (works offline).
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env";

export function mountDocs(app: OpenAPIHono<AppBindings>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A site's secret key (wf_sk_...), a partner portal key (wf_pp_...) or the bootstrap admin token.",
  });
  app.doc31("/api/v1/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Wayfind API",
      version: "1",
      description: DESCRIPTION,
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  app.get("/api/v1/docs", (c) => c.html(REFERENCE_PAGE));
  app.get("/api/v1/docs.js", (c) =>
    c.body(REFERENCE_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
}

const DESCRIPTION = `Wayfind is a self-hostable growth platform for paid-knowledge businesses (online courses, columns, memberships).

- **Capture**: a cookieless snippet (\`/t.js\`, posting to \`/api/collect\` with the site's public key) and server-side events
  (\`POST /api/v1/events\`) for sign-ups, purchases and refunds; raw events and sessions can be read back or exported as NDJSON or CSV.
- **Channels and attribution**: every session gets a channel (the site's own rules, then GA4's defaults), and purchases are credited to
  channels, sources, campaigns and partners under first-touch, last-touch, last-non-direct, linear, time-decay, position-based or Markov models.
- **Analytics queries**: \`POST /api/v1/query\` in the shape of Plausible's Stats API v2 (metrics by visit, event, segment and time
  dimensions in the site's time zone, nested filters, comparisons) and \`GET /api/v1/realtime\` for the last 30 minutes.
- **Spend and ROI**: import ad costs and exchange rates; reports give ROI, ROAS, CAC, conversion rate, AOV, LTV and payback per group and period.
- **Budget advice**: a spend-to-revenue curve per channel suggests how to split a daily budget, with its uncertainty.
- **Partners and commissions**: creators and affiliates with referral links, commission rules (tiers, recurring, second level), holding
  periods, clawbacks and payouts, scorecards, and a read-only portal for each partner.
- **Recommendations**: recommendations, similar courses, ranking by purchase probability and propensity scores, served from models
  retrained daily and promoted only when at least as good as the active one on a holdout.
- **Scheduled ROI emails**: daily, weekly or monthly reports and threshold alerts by email.

**Auth**: send \`Authorization: Bearer KEY\`. A site's secret key (wf_sk_...) carries scopes: \`ingest\` (send events, sync the catalog),
\`read\` (reports and data) and \`admin\` (settings, keys, payouts; implies the others); it acts on its own site only. The bootstrap admin
token (the ADMIN_TOKEN secret) creates sites and acts on every site: name one with \`?site_id=\`. A partner key (wf_pp_...) reads only its partner's
records under \`/api/v1/portal\`. The public site key (wf_pk_...) only posts browser events to \`/api/collect\` from allowed origins.

**Errors** share one envelope: \`{"error": {"code", "message", "issues": [{"path", "message"}]}}\`, with the HTTP status that fits;
a known path asked with another method answers 405 (\`method_not_allowed\`) with an \`Allow\` header.`;

const REFERENCE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Wayfind API reference</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2933}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #e4e7eb}
.op{border:1px solid #e4e7eb;border-radius:6px;margin:.8rem 0;padding:.6rem .9rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0b7}.post{color:#07c}.patch{color:#c70}.delete{color:#c22}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f5f7fa;padding:.6rem;overflow:auto}
details summary{cursor:pointer;color:#52606d}
</style></head><body>
<h1>Wayfind API reference</h1>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Generate a client from it.</p>
<div id="ops">Loading…</div>
<script type="module" src="/api/v1/docs.js"></script>
</body></html>`;

const REFERENCE_SCRIPT = `
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const doc = await (await fetch("/api/v1/openapi.json")).json();
const byTag = {};
for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
  const tag = (op.tags || ["Other"])[0]; (byTag[tag] ||= []).push({ path, method, op });
}
let html = "";
for (const [tag, ops] of Object.entries(byTag)) {
  html += "<h2>" + esc(tag) + "</h2>";
  for (const { path, method, op } of ops) {
    html += '<div class="op"><span class="m ' + method + '">' + method + "</span><code>" + esc(path) + "</code>";
    html += "<p>" + esc(op.summary) + "</p>" + (op.description ? "<p>" + esc(op.description) + "</p>" : "");
    html += "<details><summary>Parameters, body and responses</summary><pre>" +
      esc(JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody, responses: op.responses }, null, 2)) + "</pre></details></div>";
  }
}
html += "<h2>Schemas</h2><pre>" + esc(JSON.stringify(doc.components?.schemas ?? {}, null, 2)) + "</pre>";
document.getElementById("ops").innerHTML = html;
`;
