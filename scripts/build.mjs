// Builds the dashboard (Vite → dist/dashboard, served by the edge Worker as static assets) and both
// Workers exactly as `wrangler deploy` would, into dist/, without deploying. The dashboard comes
// first: wrangler.toml's [assets] directory must exist. Tests run the built bundles (smoke test,
// service binding, the dashboard in Chromium) and check their size.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { buildDashboard } from "./build-dashboard.mjs";
import { offlineEnv, root } from "./local-env.mjs";

await buildDashboard();

const wrangler = (args) =>
  execFileSync("wrangler", args, { cwd: root, env: offlineEnv, stdio: ["ignore", "ignore", "inherit"] });

// wrangler adds to an outdir without emptying it: a module a Worker no longer imports (say, a wasm
// moved to the other Worker) would otherwise linger and be loaded by the tests and the bench.
for (const dir of ["dist/edge", "dist/recommend"]) rmSync(`${root}/${dir}`, { recursive: true, force: true });
wrangler(["deploy", "--dry-run", "--outdir", "dist/edge", "-c", "wrangler.toml"]);
wrangler(["deploy", "--dry-run", "--outdir", "dist/recommend", "-c", "recommend.wrangler.toml"]);
console.log("built dist/dashboard, dist/edge and dist/recommend");
