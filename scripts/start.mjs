// `npm start`: both Workers locally (offline, no Cloudflare account), migrations applied, a demo
// site seeded with a few days of traffic, and the facts printed and written to .wayfind/local.json.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { offlineEnv, root } from "./local-env.mjs";
import { demoCosts, demoEvents, demoLearnerJourneys, demoPartnerProgram } from "./demo-data.mjs";
import { startMailbox } from "../test/support/mailbox.mjs";

const port = Number(process.env.PORT ?? 8787);
const url = `http://127.0.0.1:${port}`;
const statePath = resolve(root, ".wayfind/local.json");
const persist = resolve(root, ".wayfind/state");
const previous = existsSync(statePath) ? JSON.parse(readFileSync(statePath, "utf8")) : {};
const adminToken = previous.admin_token ?? `wf_admin_${randomBytes(18).toString("base64url")}`;

execFileSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
  cwd: root,
  env: { ...offlineEnv, CI: "true" }, // no confirmation prompt
  stdio: ["ignore", "ignore", "inherit"],
});

// A local mailbox, so the ROI emails of the demo can be sent and read without any provider.
const mailbox = await startMailbox();

// setsid: wrangler's workerd children share our process group, so Ctrl-C stops them all.
const dev = spawn(
  "wrangler",
  [
    "dev",
    "-c",
    "wrangler.toml",
    "-c",
    "recommend.wrangler.toml",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persist,
    "--var",
    `ADMIN_TOKEN:${adminToken}`,
    ...["SMTP_HOST:127.0.0.1", `SMTP_PORT:${mailbox.smtpPort}`, "SMTP_SECURITY:none"].flatMap((v) => ["--var", v]),
    ...["MAIL_FROM:reports@demo.wayfind.local", `PUBLIC_URL:${url}`].flatMap((v) => ["--var", v]),
    "--test-scheduled",
    "--show-interactive-dev-session=false",
  ],
  { cwd: root, env: offlineEnv, stdio: ["ignore", "pipe", "inherit"], detached: true },
);
let devLog = "";
dev.stdout.on("data", (d) => (devLog += d));
const stop = () => {
  try {
    process.kill(-dev.pid, "SIGTERM");
  } catch {}
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => {
  console.error(devLog.slice(-4000));
  console.error(`wrangler dev exited (${code})`);
  process.exit(code ?? 1);
});

async function call(path, init = {}) {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}`, ...init.headers },
  });
  return res;
}

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/healthz`)).ok) break;
  } catch {}
  if (i > 600) throw new Error("the Workers did not start within 60 s");
  await new Promise((r) => setTimeout(r, 100));
}

/** Partners, rules and the catalog go in before the traffic, so its purchases earn commissions. */
async function seedPartners(secret) {
  const demo = demoPartnerProgram();
  const send = async (path, method, body) => {
    const res = await call(path, {
      method,
      body: JSON.stringify(body),
      headers: { authorization: `Bearer ${secret}` },
    });
    if (!res.ok) throw new Error(`seeding ${path} failed: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await send("/api/v1/partner-program", "PATCH", demo.program);
  const creators = {};
  for (const { creates, ...partner } of demo.partners) {
    const created = await send("/api/v1/partners", "POST", { target_url: "https://demo.wayfind.local/", ...partner });
    if (creates) creators[creates] = created.id;
  }
  for (const rule of demo.rules) await send("/api/v1/commission-rules", "POST", rule);
  const items = demo.items.map((i) => ({ ...i, creator_partner_id: creators[i.id] ?? null }));
  await send("/api/v1/items", "POST", { items });
}

let facts = previous;
const known = previous.demo_site_id && (await call(`/api/v1/sites/${previous.demo_site_id}`)).ok;
if (!known) {
  const site = await (
    await call("/api/v1/sites", {
      method: "POST",
      body: JSON.stringify({
        name: "Demo Academy",
        domain: "demo.wayfind.local",
        allowed_origins: [],
        currency: "CNY",
        timezone: "Asia/Shanghai",
        // Course pages: their page views count as views of the course for the recommenders.
        item_path_pattern: "/courses/:id",
      }),
    })
  ).json();
  const key = await (
    await call(`/api/v1/sites/${site.id}/keys`, {
      method: "POST",
      body: JSON.stringify({ name: "demo", scopes: ["admin"] }),
    })
  ).json();
  await seedPartners(key.key);
  const events = [...demoEvents({ origin: "https://demo.wayfind.local" }), ...demoLearnerJourneys()];
  for (let i = 0; i < events.length; i += 1000) {
    const res = await call("/api/v1/events", {
      method: "POST",
      body: JSON.stringify({ events: events.slice(i, i + 1000) }),
      headers: { authorization: `Bearer ${key.key}` },
    });
    if (res.status !== 202) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }
  const spend = await call(`/api/v1/costs?site_id=${site.id}`, { method: "POST", body: JSON.stringify(demoCosts()) });
  if (spend.status !== 200) throw new Error(`seeding costs failed: ${spend.status} ${await spend.text()}`);
  // Give the queue a moment to store the events, then roll them up so the ROI reports have data
  // now (the 15-minute cron only takes events older than its 10-minute safety margin).
  const expected = events.length;
  for (let i = 0; i < 300; i++) {
    const res = await call(`/api/v1/events?site_id=${site.id}&format=ndjson&limit=10000&from=0`);
    if ((await res.text()).split("\n").filter(Boolean).length >= expected) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await call(`/api/v1/reports/rebuild?site_id=${site.id}`, { method: "POST" });
  // Train the first recommendation and propensity models now (the recommend Worker's cron does
  // this daily): tfjs in the Worker, ONNX files into local R2, served by onnxruntime-web.
  const retrained = await (await call(`/api/v1/models/retrain?site_id=${site.id}`, { method: "POST" })).json();
  for (const outcome of retrained.data ?? []) console.log(`Model ${outcome.kind}: ${outcome.reason}`);
  const report = await (
    await call(`/api/v1/report-subscriptions?site_id=${site.id}`, {
      method: "POST",
      body: JSON.stringify({ recipients: ["founder@demo.wayfind.local"], frequency: "weekly", weekday: 1 }),
    })
  ).json();
  facts = {
    url,
    admin_token: adminToken,
    demo_site_id: site.id,
    demo_site_key: site.public_key,
    demo_secret_key: key.key,
    demo_report_subscription_id: report.id,
  };
  console.log(
    `Seeded ${events.length} demo events (5 days of traffic, 30 days of returning learners) and ad spend for "Demo Academy".`,
  );
}
// The demo's owner has no password: each start hands out a fresh one-time sign-in link (24 h).
const demoOwner = await (
  await call("/api/v1/users", {
    method: "POST",
    body: JSON.stringify({ email: "founder@demo.wayfind.local", name: "Demo founder", site_ids: [facts.demo_site_id] }),
  })
).json();
facts = {
  ...facts,
  url,
  admin_token: adminToken,
  demo_owner_email: demoOwner.user?.email,
  demo_owner_sign_in_url: demoOwner.sign_in_url,
};
writeFileSync(statePath, JSON.stringify(facts, null, 2) + "\n");

console.log(`
Wayfind is running (both Workers, local D1/Queues; Ctrl-C stops).

  Edge Worker        ${url}
  Health             ${url}/healthz
  API reference      ${url}/api/v1/docs   (OpenAPI: ${url}/api/v1/openapi.json)

  Admin token        ${facts.admin_token}
  Demo site id       ${facts.demo_site_id}
  Demo site key      ${facts.demo_site_key}   (public: writes events only)
  Demo secret key    ${facts.demo_secret_key}   (admin scope: shown here for the demo only)

  Demo owner         ${demoOwner.user?.email}   (no password; set one after signing in)
  Sign in once       ${demoOwner.sign_in_url}
                     (API form: ${demoOwner.api_sign_in_url}; valid 24 h, one use)

  Snippet tag        <script defer src="${url}/t.js" data-site="${facts.demo_site_key}"></script>

  Try:  curl -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/sessions?limit=5"
        curl -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/reports/roi?group_by=channel"
        curl -X POST -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/report-subscriptions/${facts.demo_report_subscription_id}/send-now"
        curl -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/recommendations?user_id=learner-track-1&k=3"
  Mailbox            ${mailbox.httpUrl}/messages   (the demo's ROI emails, parsed; SMTP on 127.0.0.1:${mailbox.smtpPort})
  The same facts are in .wayfind/local.json.
`);
