// Seeds "Demo Academy" through the public API of running Workers: the site and a secret key, the
// partner program and catalog, a month of traffic and ad spend, then the rollups and the first
// models, so every report has data at once. `npm start` runs it against `wrangler dev`; the demo
// test runs it against the built Workers in Miniflare, so both exercise the same seeding.
import { demoCosts, demoEvents, demoLearnerJourneys, demoPartnerProgram, DEMO_DAYS } from "./demo-data.mjs";

export const DEMO_SITE = {
  name: "Demo Academy",
  domain: "demo.wayfind.local",
  allowed_origins: [],
  currency: "CNY",
  timezone: "Asia/Shanghai",
  // Course pages: their page views count as views of the course for the recommenders.
  item_path_pattern: "/courses/:id",
};

/** Events per POST /api/v1/events (the server API takes at most 1000). */
const BATCH = 1000;

/**
 * `request(path, init)` sends a request to the edge Worker ("/api/v1/sites"): global fetch against
 * `wrangler dev`, or Miniflare's dispatchFetch. Types: demo-seed.d.mts.
 * @returns the demo's facts (site, keys, report subscription) and what seeding did.
 */
export async function seedDemo({ request, adminToken, now = Date.now(), log = () => {}, waitMs = 60_000 }) {
  const send = async (path, init, secret = adminToken) => {
    const res = await request(path, {
      ...init,
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    });
    if (!res.ok) throw new Error(`seeding ${path} failed: ${res.status} ${await res.text()}`);
    return res;
  };
  const post = async (path, body, secret) =>
    (await send(path, { method: "POST", body: JSON.stringify(body) }, secret)).json();

  const site = await post("/api/v1/sites", DEMO_SITE);
  const key = await post(`/api/v1/sites/${site.id}/keys`, { name: "demo", scopes: ["admin"] });
  await seedPartners(send, post, key.key);

  const events = [...demoEvents({ origin: `https://${DEMO_SITE.domain}`, now }), ...demoLearnerJourneys({ now })];
  for (let i = 0; i < events.length; i += BATCH) {
    await post("/api/v1/events", { events: events.slice(i, i + BATCH) }, key.key);
  }
  const spend = await post(`/api/v1/costs?site_id=${site.id}`, demoCosts({ now }));
  await waitForEvents(send, key.key, events.length, waitMs);
  // The 15-minute rollup cron only takes events older than its 10-minute safety margin: roll the
  // demo up now, so the ROI reports and budget advice have data at once.
  await send(`/api/v1/reports/rebuild?site_id=${site.id}`, { method: "POST" });
  // The first recommendation and propensity models (the recommend Worker's cron does this daily):
  // tfjs in the Worker, ONNX files into R2, served by onnxruntime-web.
  const retrained = await post(`/api/v1/models/retrain?site_id=${site.id}`, {});
  for (const outcome of retrained.data ?? []) log(`Model ${outcome.kind}: ${outcome.reason}`);
  const report = await post(`/api/v1/report-subscriptions?site_id=${site.id}`, {
    recipients: ["founder@demo.wayfind.local"],
    frequency: "weekly",
    weekday: 1,
  });
  log(
    `Seeded ${events.length} demo events (${DEMO_DAYS} days of traffic and returning learners) ` +
      `and ${spend.imported} days x campaigns of ad spend for "${DEMO_SITE.name}".`,
  );
  return {
    facts: {
      demo_site_id: site.id,
      demo_site_key: site.public_key,
      demo_secret_key: key.key,
      demo_report_subscription_id: report.id,
    },
    events: events.length,
    retrained: retrained.data ?? [],
  };
}

/** Partners, rules and the catalog go in before the traffic, so its purchases earn commissions. */
async function seedPartners(send, post, secret) {
  const demo = demoPartnerProgram();
  await send("/api/v1/partner-program", { method: "PATCH", body: JSON.stringify(demo.program) }, secret);
  const creators = {};
  for (const { creates, ...partner } of demo.partners) {
    const created = await post("/api/v1/partners", { target_url: `https://${DEMO_SITE.domain}/`, ...partner }, secret);
    if (creates) creators[creates] = created.id;
  }
  for (const rule of demo.rules) await post("/api/v1/commission-rules", rule, secret);
  const items = demo.items.map((i) => ({ ...i, creator_partner_id: creators[i.id] ?? null }));
  await post("/api/v1/items", { items }, secret);
}

/** The queue stores events a batch at a time: count the stored ones (all export pages) until all are in. */
async function waitForEvents(send, secret, expected, waitMs) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let stored = 0;
    let cursor = "";
    do {
      const res = await send(`/api/v1/events?format=ndjson&limit=10000&from=0${cursor}`, {}, secret);
      stored += (await res.text()).split("\n").filter(Boolean).length;
      const next = res.headers.get("x-next-cursor");
      cursor = next ? `&cursor=${encodeURIComponent(next)}` : "";
    } while (cursor);
    if (stored >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${expected} demo events were stored in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
