// Builds the dashboard with Vite (dashboard/vite.config.ts) into dist/dashboard. `npm run build`
// and `npm start` run it; `node scripts/build-dashboard.mjs` runs it alone.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "vite";
import { root } from "./local-env.mjs";

export async function buildDashboard() {
  await build({ configFile: resolve(root, "dashboard/vite.config.ts"), logLevel: "warn" });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await buildDashboard();
