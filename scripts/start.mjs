// `npm start`: both Workers locally (offline, no Cloudflare account), migrations applied, a demo site
// seeded, a local mailbox, the crons fired on schedule, and the facts printed and written to
// .wayfind/local.json. Ctrl-C, SIGTERM, closing the terminal or a crash stop everything it started.
//
//   npm start [-- --port 8788]      PORT, MAILBOX_SMTP_PORT and MAILBOX_HTTP_PORT work too
//
// For the tests only: WAYFIND_DIR (state folder), WAYFIND_SEED=none|no-train, WAYFIND_CRON_SCHEDULE
// (JSON: product cron → local schedule or "off"), WAYFIND_TEST_CRASH=seed.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { localPaths, offlineEnv, root, shownPath, wayfindDir } from "./local-env.mjs";
import { readCrons, schedule, startScheduler } from "./cron.mjs";
import { ensureDemo } from "./local/demo.mjs";
import {
  installExitHandlers,
  onShutdown,
  portFree,
  recordRunning,
  runGroup,
  runningInstance,
  shutdown,
  spawnGroup,
} from "./local/processes.mjs";
import { routeOutput } from "./local/wrangler-output.mjs";
import { d1Bindings, devConfig, readWranglerConfig } from "./wrangler-config.mjs";
import { startMailbox } from "../test/support/mailbox.mjs";

installExitHandlers();
const started = Date.now();
const say = (line) => console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s  ${line}`);

const { values: args } = parseArgs({ options: { port: { type: "string" } } });
const port = Number(args.port ?? process.env.PORT ?? 8787);
const smtpPort = Number(process.env.MAILBOX_SMTP_PORT ?? 8025);
const mailboxPort = Number(process.env.MAILBOX_HTTP_PORT ?? 8026);
const url = `http://127.0.0.1:${port}`;
const seed = process.env.WAYFIND_SEED ?? "full";

// Before anything starts: another instance on this folder's state, or a port in use, stops us here,
// without touching what is running.
const other = runningInstance(localPaths.running);
if (other) {
  console.error(
    `Wayfind is already running on this folder's state (pid ${other.pid}, ${other.url}).\n` +
      `Stop it first (Ctrl-C in its terminal, or kill ${other.pid}); two instances cannot share ${shownPath(localPaths.state)}.`,
  );
  process.exit(1);
}
const ports = [
  [port, "the Workers", "PORT"],
  [smtpPort, "the local mailbox's SMTP server", "MAILBOX_SMTP_PORT"],
  [mailboxPort, "the local mailbox's web page", "MAILBOX_HTTP_PORT"],
];
const taken = [];
for (const [p, what, name] of ports) if (p !== 0 && !(await portFree(p))) taken.push({ p, what, name });
if (taken.length) {
  console.error(
    taken.map(({ p, what }) => `Port ${p} (${what}) is already in use on 127.0.0.1.`).join("\n") +
      "\nIs another `npm start` running? Nothing was started. Choose other ports, e.g.:\n  " +
      taken.map(({ p, name }) => `${name}=${p + (name === "PORT" ? 1 : 10)}`).join(" ") +
      " npm start" +
      (taken.some((t) => t.name === "PORT") ? `   (or npm start -- --port ${port + 1})` : ""),
  );
  process.exit(1);
}
recordRunning(localPaths.running, { url });

const previous = existsSync(localPaths.facts) ? JSON.parse(readFileSync(localPaths.facts, "utf8")) : {};
const adminToken = previous.admin_token ?? `wf_admin_${randomBytes(18).toString("base64url")}`;

say("Building the tracking snippet…");
await import("./build-snippet.mjs");
say("Applying D1 migrations…");
// To DB and to each per-site database wrangler.toml declares (README "Many sites").
for (const binding of d1Bindings(root)) {
  await runGroup("wrangler", ["d1", "migrations", "apply", binding, "--local", "--persist-to", localPaths.state], {
    cwd: root,
    env: { ...offlineEnv, CI: "true" }, // no confirmation prompt
  });
}

// A local mailbox, so the ROI emails can be sent and read without any provider.
const mailbox = await startMailbox({ smtpPort, httpPort: mailboxPort, dir: localPaths.mailbox });

const logFile = `${localPaths.logs}/wrangler.log`;
say(`Starting both Workers (wrangler dev; warnings and errors show here, the full log is ${shownPath(logFile)})…`);
const vars = {
  ADMIN_TOKEN: adminToken,
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: String(mailbox.smtpPort),
  SMTP_SECURITY: "none",
  MAIL_FROM: "reports@demo.wayfind.local",
  PUBLIC_URL: url,
};
// The recommend Worker sends the report emails, so it needs the same settings; `wrangler dev` gives
// --var to the first config only, so it runs from a copy of its config (as JSON, which wrangler also
// reads) with them added to its own vars (say, SITE_DATABASES) and its paths made absolute.
const recommendConfig = resolve(wayfindDir, "recommend.dev.json");
writeFileSync(
  recommendConfig,
  JSON.stringify(devConfig(readWranglerConfig(root, "recommend.wrangler.toml"), root, vars), null, 2),
);
const dev = spawnGroup(
  "wrangler",
  [
    ...["dev", "-c", "wrangler.toml", "-c", recommendConfig, "--ip", "127.0.0.1", "--port", String(port)],
    ...["--persist-to", localPaths.state, "--test-scheduled", "--show-interactive-dev-session=false"],
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ],
  { cwd: root, env: offlineEnv, stdio: ["ignore", "pipe", "pipe"] },
);
const output = routeOutput(dev, logFile, (line) => console.error(`[wrangler] ${line}`));
onShutdown(() => output.close());
dev.on("exit", (code, signal) =>
  shutdown(
    code || 1,
    `${output.tail()}\nwrangler dev exited (${signal ?? code}); the full log is ${shownPath(logFile)}.`,
  ),
);

const crons = readCrons(); // wrangler's TOML parser loads while the Workers start
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/healthz`)).ok) break;
  } catch {}
  if (i >= 1800) throw new Error(`the Workers did not answer ${url}/healthz within 180 s; see ${shownPath(logFile)}`);
  if (i > 0 && i % 100 === 0) say(`Waiting for the Workers to start (${i / 10} s)…`);
  await new Promise((r) => setTimeout(r, 100));
}
say(`Both Workers answer at ${url}.`);

let facts = { url, admin_token: adminToken };
if (seed !== "none") {
  const { seeded: _, ...demo } = await ensureDemo({
    url,
    adminToken,
    previous,
    train: seed !== "no-train",
    say,
    crashAfterSite: process.env.WAYFIND_TEST_CRASH === "seed",
  });
  facts = { ...facts, ...demo };
}
if (facts.demo_site_id) {
  // The demo's owner has no password: each start hands out a fresh one-time sign-in link (24 h).
  const res = await fetch(`${url}/api/v1/users`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ email: "founder@demo.wayfind.local", name: "Demo founder", site_ids: [facts.demo_site_id] }),
  });
  if (!res.ok) throw new Error(`creating the demo owner failed: ${res.status} ${await res.text()}`);
  const owner = await res.json();
  facts = { ...facts, demo_owner_email: owner.user?.email, demo_owner_sign_in_url: owner.sign_in_url };
  say(`Demo owner ${owner.user?.email}: a one-time sign-in link is below.`);
}
facts = {
  ...facts,
  dashboard_url: `${url}/`,
  mailbox_url: mailbox.httpUrl,
  mailbox_smtp_port: mailbox.smtpPort,
  log_file: logFile,
};
writeFileSync(localPaths.facts, JSON.stringify(facts, null, 2) + "\n");

// wrangler dev runs crons only when asked; production runs them on schedule, so we do too.
const jobs = schedule(await crons, JSON.parse(process.env.WAYFIND_CRON_SCHEDULE ?? "{}"));
const scheduler = startScheduler({ url, jobs, log: (line) => console.log(`[cron] ${line}`) });
onShutdown(() => scheduler.stop());

const demo = facts.demo_site_id
  ? `
  Demo site id       ${facts.demo_site_id}
  Demo site key      ${facts.demo_site_key}   (public: writes events only)
  Demo secret key    ${facts.demo_secret_key}   (admin scope: shown here for the demo only)
  Demo owner         ${facts.demo_owner_email}   (no password; set one after signing in)
  Sign in once       ${facts.demo_owner_sign_in_url}
                     (valid 24 h, one use; every npm start prints a fresh one)

  Snippet tag        <script defer src="${url}/t.js" data-site="${facts.demo_site_key}"></script>

  Try:  curl -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/sessions?limit=5"
        curl -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/reports/roi?group_by=channel"
        curl -X POST -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/report-subscriptions/${facts.demo_report_subscription_id}/send-now"
        curl -H "Authorization: Bearer ${facts.demo_secret_key}" "${url}/api/v1/recommendations?user_id=learner-track-1&k=3"`
  : "\n  (No demo site: WAYFIND_SEED=none.)";
console.log(`
Wayfind is running (both Workers, local D1/Queues/R2; Ctrl-C stops everything).

  Dashboard          ${url}/   (sign in with the one-time link below)
  Edge Worker        ${url}
  Health             ${url}/healthz
  API reference      ${url}/api/v1/docs   (OpenAPI: ${url}/api/v1/openapi.json)
  Admin token        ${facts.admin_token}
${demo}

  Mailbox            ${mailbox.httpUrl}/   (the ROI emails with their charts; JSON: /messages; SMTP on 127.0.0.1:${mailbox.smtpPort})
  Crons              ${jobs.map((j) => `${j.cron} (${j.worker})`).join(", ")}
                     fire on schedule (UTC); one line each below. Now: npm run cron -- "<expression>"
  Log                ${shownPath(logFile)}   (warnings and errors also show here)
  The same facts are in ${shownPath(localPaths.facts)}; npm run reset deletes the local state.
`);
