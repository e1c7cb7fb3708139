// Environment for every wrangler call: offline, no telemetry, wrangler's files inside the project.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..");
const state = resolve(root, ".wayfind");
mkdirSync(resolve(state, "tmp"), { recursive: true });
mkdirSync(resolve(state, "config"), { recursive: true });

export const offlineEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  XDG_CONFIG_HOME: resolve(state, "config"),
  TMPDIR: resolve(state, "tmp"),
};
