// Commission settlement cost: the same referred purchases sent through the server API to a site
// with a partner program (20 partners, two levels, tiered and group rules) and to one without
// partners, where the consumer skips settlement. Runs the built edge Worker in workerd.
import { root } from "./local-env.mjs";
import { startBuiltWorkers } from "./run-bundle.mjs";

const ADMIN = "bench-admin-token";
const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const BATCH = 500;
const PARTNERS = 20;

async function site(post, name) {
  const s = await (await post("/api/v1/sites", ADMIN, { name, domain: `${name}.example.com`, currency: "CNY" })).json();
  const key = await (await post(`/api/v1/sites/${s.id}/keys`, ADMIN, { name: "k", scopes: ["admin"] })).json();
  return { id: s.id, key: key.key };
}

function journeys(codes, now) {
  const events = [];
  for (let i = 0; i < ORDERS; i++) {
    const visitor = `bench-learner-${i}`;
    const ts = now - 3_600_000 + i;
    const code = codes.length ? codes[i % codes.length] : "nobody";
    events.push({
      id: `v${i}`,
      type: "pageview",
      visitor_id: visitor,
      ts: ts - 60_000,
      url: `https://x.example.com/?ref=${code}`,
    });
    events.push({
      id: `p${i}`,
      type: "purchase",
      visitor_id: visitor,
      order_id: `o${i}`,
      revenue: 199,
      currency: "CNY",
      ts,
    });
  }
  return events;
}

/** Sends the journeys and waits until `done` counts every order; returns orders per second. */
async function run(post, db, s, events, doneSql) {
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    const res = await post("/api/v1/events", s.key, { events: events.slice(i, i + BATCH) });
    if (res.status !== 202) throw new Error(`events: ${res.status} ${await res.text()}`);
  }
  for (;;) {
    const row = await db.prepare(doneSql).bind(s.id).first();
    if (row.n >= ORDERS) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return ORDERS / ((performance.now() - t0) / 1000);
}

export async function benchSettlement() {
  const { mf, url } = await startBuiltWorkers({ root, adminToken: ADMIN, recommend: "stub" });
  const post = (path, token, body) =>
    mf.dispatchFetch(new URL(path, url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const db = await mf.getD1Database("DB");
  const now = Date.now();

  const withProgram = await site(post, "partners");
  await mf.dispatchFetch(new URL("/api/v1/partner-program", url), {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: `Bearer ${withProgram.key}` },
    body: JSON.stringify({ levels: 2 }),
  });
  const codes = [];
  let parent = null;
  for (let i = 0; i < PARTNERS; i++) {
    const p = await (
      await post("/api/v1/partners", withProgram.key, {
        type: "affiliate",
        name: `P${i}`,
        code: `bench-${i}`,
        group: i % 2 ? "gold" : null,
        parent_id: i % 5 ? parent : null,
        target_url: "https://partners.example.com/",
      })
    ).json();
    if (i % 5 === 0) parent = p.id;
    codes.push(p.code);
  }
  for (const rule of [
    { percent: 10 },
    { partner_group: "gold", percent: 15, tiers: [{ from: 10_000, percent: 20 }] },
    { level: 2, percent: 3 },
  ]) {
    await post("/api/v1/commission-rules", withProgram.key, rule);
  }
  const settled = await run(
    post,
    db,
    withProgram,
    journeys(codes, now),
    "SELECT count(*) AS n FROM partner_commissions WHERE site_id = ?1 AND kind = 'referral'",
  );

  const without = await site(post, "plain");
  const stored = await run(
    post,
    db,
    without,
    journeys([], now),
    "SELECT count(*) AS n FROM events WHERE site_id = ?1 AND type = 'purchase'",
  );
  await mf.dispose();
  return { orders: ORDERS, partners: PARTNERS, settledPerSecond: settled, storedPerSecond: stored };
}
