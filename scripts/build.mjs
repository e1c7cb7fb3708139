// Builds both Workers exactly as `wrangler deploy` would, into dist/, without deploying.
// Tests run the built bundles (smoke test, service binding) and check their size.
import { execFileSync } from "node:child_process";
import { offlineEnv, root } from "./local-env.mjs";

const wrangler = (args) =>
  execFileSync("wrangler", args, { cwd: root, env: offlineEnv, stdio: ["ignore", "ignore", "inherit"] });

wrangler(["deploy", "--dry-run", "--outdir", "dist/edge", "-c", "wrangler.toml"]);
wrangler(["deploy", "--dry-run", "--outdir", "dist/recommend", "-c", "recommend.wrangler.toml"]);
console.log("built dist/edge and dist/recommend");
