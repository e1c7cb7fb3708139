// `npm run train -- --site SITE_ID [--remote] [--epochs N]`: the recommend Worker's retraining,
// run in Node with the same code (jobs/recs/train.ts) against the same bindings, for sites whose
// data outgrows a Worker's CPU limit. By default it works on the local state of `npm start`;
// with --remote, on your Cloudflare account's D1 and R2 (after `npx wrangler login` and
// `npm run deploy`). The new models go through the same export check and promotion rule.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { getPlatformProxy } from "wrangler";
import { importTs, NODE_ORT } from "./import-ts.mjs";
import { localPaths, offlineEnv, root } from "./local-env.mjs";

const { values } = parseArgs({
  options: { site: { type: "string" }, remote: { type: "boolean" }, epochs: { type: "string" } },
});
if (!values.site) {
  console.error("usage: npm run train -- --site SITE_ID [--remote] [--epochs N]");
  process.exit(2);
}

/** The training code, bundled for Node with the Node ORT loader in place of the workerd one. */
function loadTrainer() {
  return importTs("train", 'export { retrainSite } from "./jobs/recs/train";', NODE_ORT);
}

/** recommend.wrangler.toml with the real database id and `remote = true` on D1 and R2. */
function remoteConfig() {
  const info = JSON.parse(
    execFileSync("wrangler", ["d1", "info", "wayfind", "--json"], { cwd: root, encoding: "utf8" }),
  );
  const text = readFileSync(resolve(root, "recommend.wrangler.toml"), "utf8")
    .replaceAll("00000000-0000-0000-0000-000000000000", info.uuid)
    .replace('binding = "DB"', 'binding = "DB"\nremote = true')
    .replace('binding = "MODELS"', 'binding = "MODELS"\nremote = true');
  const path = resolve(root, "recommend.train.toml");
  writeFileSync(path, text);
  return path;
}

Object.assign(process.env, values.remote ? { WRANGLER_SEND_METRICS: "false" } : offlineEnv);
const { retrainSite } = await loadTrainer();
const proxy = await getPlatformProxy({
  configPath: values.remote ? remoteConfig() : resolve(root, "recommend.wrangler.toml"),
  persist: { path: resolve(localPaths.state, "v3") },
  remoteBindings: Boolean(values.remote),
});
try {
  const started = Date.now();
  const options = values.epochs ? { mf: { epochs: Number(values.epochs) } } : {};
  const outcomes = await retrainSite(proxy.env, values.site, Date.now(), options);
  for (const o of outcomes) {
    const m = o.model?.metrics ?? null; // a JSON column: drizzle has parsed it
    console.log(
      `${o.kind}: ${o.promoted ? "promoted" : "not promoted"} (${o.reason})` +
        (m
          ? `; ${m.metric} ${m.value?.toFixed(4) ?? "n/a"}, export diff ${m.export_max_abs_diff.toExponential(1)}`
          : ""),
    );
  }
  console.log(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await proxy.dispose();
}
