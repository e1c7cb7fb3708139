// The demo site of `npm start`, through the public API only. Each step first looks at what the
// database already has, so a run after a crash mid-seed, or after .wayfind/local.json was deleted,
// finishes or reuses the demo instead of failing on its taken referral codes.
import { demoCosts, demoEvents, demoLearnerJourneys, demoPartnerProgram, DEMO_DAYS } from "../demo-data.mjs";
import { demoLearning, demoLessons } from "../demo-learning.mjs";

export const DEMO_DOMAIN = "demo.wayfind.local";
const FOUNDER = `founder@${DEMO_DOMAIN}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A small API client: JSON in and out, errors with the route and the response. `request(path, init)`
 * reaches the edge Worker: global fetch against `wrangler dev`, or Miniflare's dispatchFetch in tests.
 */
function client(request, token) {
  return async (path, { method = "GET", body, key = token, ok = [200, 201, 202] } = {}) => {
    const send = () =>
      request(path, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let res = await send();
    let text = await res.text();
    // wrangler dev answers 503 when it restarts a Worker mid-request (a reload, or workerd under
    // load): every seeding step is idempotent, so it is safe to send once more.
    for (let retry = 0; retry < 2 && res.status === 503 && /restart/i.test(text); retry++) {
      await sleep(1000);
      res = await send();
      text = await res.text();
    }
    if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return { status: res.status, text, json: () => JSON.parse(text), headers: res.headers };
  };
}

async function findOrCreateSite(api, previousId, say) {
  if (previousId) {
    const known = await api(`/api/v1/sites/${previousId}`, { ok: [200, 404] });
    if (known.status === 200) return { site: known.json(), found: "local.json" };
  }
  const { data } = (await api("/api/v1/sites")).json();
  const existing = data.find((s) => s.domain === DEMO_DOMAIN);
  if (existing) return { site: existing, found: "database" };
  say(`Creating the demo site "Demo Academy"…`);
  const site = (
    await api("/api/v1/sites", {
      method: "POST",
      body: {
        name: "Demo Academy",
        domain: DEMO_DOMAIN,
        allowed_origins: [],
        currency: "CNY",
        timezone: "Asia/Shanghai",
        // Course pages: their page views count as views of the course for the recommenders.
        item_path_pattern: "/courses/:id",
      },
    })
  ).json();
  return { site, found: null };
}

/** Partners, rules and the catalog go in before the traffic, so its purchases earn commissions. */
async function ensurePartners(api, siteId) {
  const demo = demoPartnerProgram();
  const q = `?site_id=${siteId}`;
  await api(`/api/v1/partner-program${q}`, { method: "PATCH", body: demo.program });
  const byCode = new Map((await api(`/api/v1/partners${q}`)).json().data.map((p) => [p.code, p.id]));
  const creators = {};
  for (const { creates, ...partner } of demo.partners) {
    const id =
      byCode.get(partner.code) ??
      (
        await api(`/api/v1/partners${q}`, {
          method: "POST",
          body: { target_url: `https://${DEMO_DOMAIN}/`, ...partner },
        })
      ).json().id;
    if (creates) creators[creates] = id;
  }
  // Rules are created in order and listed in order: add the ones a crash left out.
  const rules = (await api(`/api/v1/commission-rules${q}`)).json().data;
  for (const rule of demo.rules.slice(rules.length))
    await api(`/api/v1/commission-rules${q}`, { method: "POST", body: rule });
  const items = demo.items.map((i) => ({ ...i, creator_partner_id: creators[i.id] ?? null }));
  await api(`/api/v1/items${q}`, { method: "POST", body: { items } }); // an upsert
  // Modules and lessons (each PUT replaces the course's structure): learning events name them.
  for (const { course, body } of demoLessons())
    await api(`/api/v1/items/${course}/lessons${q}`, { method: "PUT", body });
}

/** The ids of the site's stored events (NDJSON export, page by page). */
async function storedEventIds(api, siteId) {
  const ids = new Set();
  let cursor = "";
  do {
    const page = await api(`/api/v1/events?site_id=${siteId}&format=ndjson&limit=10000&from=0${cursor}`);
    for (const line of page.text.split("\n")) if (line) ids.add(JSON.parse(line).id);
    const next = page.headers.get("x-next-cursor");
    cursor = next ? `&cursor=${encodeURIComponent(next)}` : "";
  } while (cursor);
  return ids;
}

/** The demo's events: a month of traffic, and the buyers (and earlier learners) taking their courses. */
export function demoSeedEvents(now = Date.now()) {
  const traffic = [...demoEvents({ origin: `https://${DEMO_DOMAIN}`, now }), ...demoLearnerJourneys({ now })];
  const purchases = traffic.filter((e) => e.type === "purchase" || e.type === "refund");
  return { traffic, learning: demoLearning({ purchases, now }) };
}

async function ensureEvents(api, siteId, secret, say, waitMs) {
  const { traffic, learning } = demoSeedEvents();
  const events = [...traffic, ...learning];
  const stored = await storedEventIds(api, siteId);
  const missing = events.filter((e) => !stored.has(e.id));
  for (let i = 0; i < missing.length; i += 1000) {
    const batch = missing.slice(i, i + 1000);
    await api("/api/v1/events", { method: "POST", body: { events: batch }, key: secret, ok: [202] });
    say(`Sent demo events: ${i + batch.length}/${missing.length}`);
  }
  // The queue consumer stores them in batches; wait for all before the rollup.
  const count = async () => (await storedEventIds(api, siteId)).size;
  await waitStored({ stored: stored.size, total: events.length, count, say, waitMs });
  return { traffic: traffic.length, learning: learning.length, sent: missing.length };
}

/**
 * Waits until `count()` reaches `total`, saying the progress every 2 s and, at the end, that
 * storing finished (or how far it got by `waitMs`). Types: demo.d.mts.
 */
export async function waitStored({ stored, total, count, say, waitMs, pollMs = 500 }) {
  if (stored >= total) return stored;
  const started = Date.now();
  const deadline = started + waitMs;
  for (let i = 0; stored < total; i++) {
    if (Date.now() > deadline) {
      say(`Only ${stored} of ${total} demo events were stored after ${waitMs / 1000} s; going on with those.`);
      return stored;
    }
    if (i % 4 === 0) say(`Storing events (queue → D1): ${stored}/${total}`);
    await sleep(pollMs);
    stored = await count();
  }
  say(`Storing events (queue → D1): ${stored}/${total}, done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return stored;
}

/**
 * The start-up line for one retrained model. A dropout model that is not promoted has no baseline
 * to serve: the at-risk list answers 409 model_not_ready until one is promoted.
 */
export function modelLine(outcome, seconds) {
  let what = outcome.reason;
  if (outcome.kind === "dropout" && !outcome.promoted) {
    const why = outcome.reason.replace(/: serving the baseline$/, "");
    const margin = /^holdout AUC .* below /.test(why) ? "did not beat logistic regression by the margin: " : "";
    what =
      `not promoted (${margin}${why}); at-risk answers model_not_ready until one is promoted: ` +
      "see README (Dropout risk and win-back)";
  }
  return `Model ${outcome.kind}: ${what} (${seconds.toFixed(1)} s)`;
}

/**
 * Makes sure the demo exists and is complete; returns the facts for local.json.
 * Types: demo.d.mts. `request` defaults to global fetch against `url`.
 */
export async function ensureDemo({
  url,
  request = (path, init) => fetch(`${url}${path}`, init),
  adminToken,
  previous = {},
  train = true,
  say = () => {},
  crashAfterSite = false,
  waitMs = 120_000,
}) {
  const api = client(request, adminToken);
  let seeded = null;
  const { site, found } = await findOrCreateSite(api, previous.demo_site_id, say);
  if (found === "database") say(`Found the demo site ${site.id} in the database; rebuilding local.json from it.`);
  const q = `?site_id=${site.id}`;
  let secret = previous.demo_site_id === site.id ? previous.demo_secret_key : undefined;
  if (!secret || (await api(`/api/v1/sites/${site.id}`, { key: secret, ok: [200, 401, 403] })).status !== 200) {
    // Secret keys are stored hashed: a lost one cannot be read back, so the demo gets a new one.
    secret = (
      await api(`/api/v1/sites/${site.id}/keys`, { method: "POST", body: { name: "demo", scopes: ["admin"] } })
    ).json().key;
  }
  const subs = (await api(`/api/v1/report-subscriptions${q}`)).json().data;
  let report = subs.find((s) => s.recipients.includes(FOUNDER));
  // The subscription is the seed's last step: with it, the demo is complete.
  if (!report) {
    const started = Date.now();
    say(found ? "The demo was not fully seeded: finishing it." : "Seeding the partner program and catalog…");
    await ensurePartners(api, site.id);
    if (crashAfterSite) throw new Error("WAYFIND_TEST_CRASH=seed: a crash in the middle of seeding (tests only)");
    const { traffic, learning, sent } = await ensureEvents(api, site.id, secret, say, waitMs);
    let retrained = [];
    await api(`/api/v1/costs${q}`, { method: "POST", body: demoCosts() });
    // Roll the events up now so the ROI reports have data at once (the 15-minute cron only takes
    // events older than its 10-minute safety margin).
    say("Rolling up ROI…");
    await api(`/api/v1/reports/rebuild${q}`, { method: "POST" });
    if (train) {
      // The recommend Worker's daily cron does this; the demo should not wait a day for it.
      say("Training the recommendation, propensity and dropout models (tfjs, in the recommend Worker)…");
      const t = Date.now();
      retrained = (await api(`/api/v1/models/retrain${q}`, { method: "POST" })).json().data ?? [];
      for (const o of retrained) say(modelLine(o, (Date.now() - t) / 1000));
    } else say("Skipping model training (WAYFIND_SEED=no-train).");
    report = (
      await api(`/api/v1/report-subscriptions${q}`, {
        method: "POST",
        body: { recipients: [FOUNDER], frequency: "weekly", weekday: 1 },
      })
    ).json();
    say(
      `Seeded ${traffic} demo events (${DEMO_DAYS} days of traffic and returning learners), ${learning} learning events and ad spend for "Demo Academy" in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    );
    seeded = { events: traffic, learning_events: learning, sent, retrained };
  } else if (found === "local.json") say(`Reusing the demo site ${site.id}.`);
  return {
    demo_site_id: site.id,
    demo_site_key: site.public_key,
    demo_secret_key: secret,
    demo_report_subscription_id: report.id,
    /** What this call seeded (null when the demo was already complete). */
    seeded,
  };
}
