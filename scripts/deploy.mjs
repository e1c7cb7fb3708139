// `npm run deploy`: creates (or reuses) the D1 database, the queues and the R2 model bucket on your Cloudflare account,
// applies migrations, deploys the recommend Worker and then the edge Worker, and sets the
// bootstrap admin token. Needs `npx wrangler login` first. Not run in CI.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { root } from "./local-env.mjs";
import { queueNames } from "./wrangler-config.mjs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const run = (args, opts = {}) =>
  execFileSync("wrangler", args, { cwd: root, env, encoding: "utf8", stdio: ["inherit", "pipe", "inherit"], ...opts });
const tryRun = (args) => {
  try {
    return run(args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    return String(e.stdout ?? "") + String(e.stderr ?? "");
  }
};

run(["whoami"]);
let info = tryRun(["d1", "info", "wayfind", "--json"]);
if (!info.trim().startsWith("{")) {
  run(["d1", "create", "wayfind"]);
  info = run(["d1", "info", "wayfind", "--json"]);
}
const databaseId = JSON.parse(info).uuid;
for (const q of queueNames(root)) tryRun(["queues", "create", q]); // "already exists" is fine
tryRun(["r2", "bucket", "create", "wayfind-models"]); // the recommend Worker's model files
tryRun(["r2", "bucket", "create", "wayfind-archive"]); // the raw archive (Parquet per site and day)

// Deploy from copies of the configs that carry the real database id; the committed ones stay generic.
const configs = ["recommend.wrangler.toml", "wrangler.toml"].map((name) => {
  const target = resolve(root, name.replace(".toml", ".deploy.toml"));
  writeFileSync(
    target,
    readFileSync(resolve(root, name), "utf8").replaceAll("00000000-0000-0000-0000-000000000000", databaseId),
  );
  return target;
});
run(["d1", "migrations", "apply", "DB", "--remote", "-c", configs[1]], { stdio: "inherit" });
for (const config of configs) run(["deploy", "-c", config], { stdio: "inherit" }); // recommend first: the edge binds to it

const token = process.env.WAYFIND_ADMIN_TOKEN ?? `wf_admin_${randomBytes(24).toString("base64url")}`;
execFileSync("wrangler", ["secret", "put", "ADMIN_TOKEN", "-c", configs[1]], {
  cwd: root,
  env,
  input: token,
  stdio: ["pipe", "inherit", "inherit"],
});
// The recommend Worker signs the report emails' unsubscribe links and the edge verifies them: one
// SIGNING_KEY on both (kept if already set: links in sent emails must keep working).
if (!/\bSIGNING_KEY\b/.test(tryRun(["secret", "list", "-c", configs[1]]))) {
  const signingKey = randomBytes(32).toString("base64url");
  for (const config of configs)
    execFileSync("wrangler", ["secret", "put", "SIGNING_KEY", "-c", config], {
      cwd: root,
      env,
      input: signingKey,
      stdio: ["pipe", "inherit", "inherit"],
    });
}
console.log(`\nDeployed. Bootstrap admin token (store it now; it is not shown again):\n  ${token}\n`);
